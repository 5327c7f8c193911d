/** SLA clocks of a case as the dispatcher reads them: which deadline runs now, how long is left, how urgent. */
import type { CasePin } from '../api/types.ts';

export type SlaLevel = 'overdue' | 'soon' | 'ok' | 'none';
/** An instant as the map answer gives it (milliseconds since 1970) or as a full case does (ISO string). */
export type Instant = number | string;
type Clocks = Pick<
  CasePin,
  'state' | 'acceptDueAt' | 'dispatchDueAt' | 'resolveDueAt' | 'createdAt' | 'acceptedAt' | 'dispatchedAt'
>;

/** Milliseconds since 1970 of an instant. */
export const instantMs = (v: Instant): number => (typeof v === 'number' ? v : Date.parse(v));

/** The deadline that runs in the case's state: accept (new), dispatch (accepted), resolve (dispatched, in progress). */
export function currentDue(
  c: Pick<Clocks, 'state' | 'acceptDueAt' | 'dispatchDueAt' | 'resolveDueAt'>,
): Instant | null {
  switch (c.state) {
    case 'new':
      return c.acceptDueAt;
    case 'accepted':
      return c.dispatchDueAt;
    case 'dispatched':
    case 'in_progress':
      return c.resolveDueAt;
    default:
      return null;
  }
}

/**
 * How urgent the running deadline is at `now`: overdue; soon when less than a fifth of the stage's time is left
 * (at least a minute, for the 3- and 5-minute accept/dispatch clocks); ok; none when no clock runs.
 */
export function slaLevel(c: Clocks, now: number): SlaLevel {
  const due = currentDue(c);
  if (due === null) return 'none';
  const dueMs = instantMs(due);
  const left = dueMs - now;
  if (left < 0) return 'overdue';
  const since =
    c.state === 'new'
      ? c.createdAt
      : c.state === 'accepted'
        ? (c.acceptedAt ?? c.createdAt)
        : (c.dispatchedAt ?? c.createdAt);
  const window = Math.max(60_000, dueMs - instantMs(since));
  return left < Math.max(60_000, window / 5) ? 'soon' : 'ok';
}

/** `mm:ss`, `h:mm:ss` or `Nd hh:mm` for a span in milliseconds (sign ignored). */
export function formatSpan(ms: number): string {
  const s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86_400);
  const hh = Math.floor((s % 86_400) / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = s % 60;
  const p = (n: number) => String(n).padStart(2, '0');
  if (d) return `${d}d ${p(hh)}:${p(mm)}`;
  if (hh) return `${hh}:${p(mm)}:${p(ss)}`;
  return `${p(mm)}:${p(ss)}`;
}
