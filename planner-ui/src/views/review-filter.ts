/**
 * The review queue's filters — class, confidence threshold, flight, review state — as the review API's query
 * (`GET /api/incidents`) and as the page's own URL query, so a filtered queue is a link an officer can share.
 */
import { DETECTION_CLASSES, REVIEW_STATES } from '@xuncha/mission-service/contract';

export type ReviewState = (typeof REVIEW_STATES)[number];
export type DetectionClass = (typeof DETECTION_CLASSES)[number];

export interface ReviewFilter {
  /** Review state; 'all' asks for every state. */
  state: ReviewState | 'all';
  class: DetectionClass | '';
  /** Lowest confidence, 0–1 (0: no threshold). */
  minScore: number;
  flightId: string;
}

export const DEFAULT_REVIEW_FILTER: ReviewFilter = { state: 'to_review', class: '', minScore: 0, flightId: '' };

const isState = (s: string | null): s is ReviewState => !!s && (REVIEW_STATES as readonly string[]).includes(s);
const isClass = (s: string | null): s is DetectionClass => !!s && (DETECTION_CLASSES as readonly string[]).includes(s);

/** The filter a page URL asks for; anything unknown or out of range falls back to the default. */
export function filterFromQuery(q: URLSearchParams): ReviewFilter {
  const state = q.get('state');
  const cls = q.get('class');
  const min = Number(q.get('minScore'));
  const flight = q.get('flightId') ?? '';
  return {
    state: state === 'all' ? 'all' : isState(state) ? state : DEFAULT_REVIEW_FILTER.state,
    class: isClass(cls) ? cls : '',
    minScore: Number.isFinite(min) && min > 0 && min <= 1 ? min : 0,
    flightId: /^[\w.:-]{1,64}$/.test(flight) ? flight : '',
  };
}

/** The page URL's query for a filter (defaults left out, so the plain queue is plain `/review`). */
export function filterToQuery(f: ReviewFilter): string {
  const q = new URLSearchParams();
  if (f.state !== DEFAULT_REVIEW_FILTER.state) q.set('state', f.state);
  if (f.class) q.set('class', f.class);
  if (f.minScore > 0) q.set('minScore', String(f.minScore));
  if (f.flightId) q.set('flightId', f.flightId);
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** The review API's query parameters for a filter (`state` omitted = every state). */
export function filterToApi(f: ReviewFilter): {
  state: string | undefined;
  class: string | undefined;
  minScore: number | undefined;
  flightId: string | undefined;
} {
  return {
    state: f.state === 'all' ? undefined : f.state,
    class: f.class || undefined,
    minScore: f.minScore > 0 ? f.minScore : undefined,
    flightId: f.flightId || undefined,
  };
}
