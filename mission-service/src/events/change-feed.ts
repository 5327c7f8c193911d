/**
 * What changed, for live streams: case events (every state change, attach, reassign… from the append-only log) and
 * mission state and progress, read from the database — so a change made by any service instance reaches every
 * stream. It polls only while someone listens (once a second by default), from where it was when the first
 * listener came: a stream gives what happens while it is open.
 */
import { ACTOR_NAME_SQL } from '../cases/actor-name.ts';
import type { Queryable } from '../db/db.ts';

export interface CaseChange {
  eventId: number;
  caseId: string;
  at: string;
  kind: string;
  action: string | null;
  from: string | null;
  to: string;
  actor: string;
  actorName: string;
  category: string;
  state: string;
  departmentId: string | null;
  assistDepartmentIds: string[];
}

export interface MissionChange {
  missionId: string;
  state: string;
  droneId: string | null;
  planId: string | null;
  sortieIndex: number;
  flightId: string | null;
  lastReachedSeq: number | null;
  error: string | null;
  departmentId: string | null;
  updatedAt: string;
}

export type Change = { type: 'case'; data: CaseChange } | { type: 'mission'; data: MissionChange };

const iso = (v: unknown) => new Date(v as string).toISOString();
const missionKey = (r: Record<string, unknown>) =>
  `${r.state as string}:${String(r.last_reached_seq)}:${String(r.flight_id)}`;

export class ChangeFeed {
  private readonly listeners = new Set<(c: Change) => void>();
  private timer: NodeJS.Timeout | undefined;
  private lastEventId = 0;
  private missionsSince = new Date(0);
  /** Last (state, reached item) sent per mission: progress rows that change nothing are not sent again. */
  private readonly missionSeen = new Map<string, string>();
  private polling: Promise<void> = Promise.resolve();
  private started: Promise<void> | undefined;

  constructor(
    private readonly db: Queryable,
    private readonly intervalMs = 1000,
  ) {}

  /** Listens to changes from now on; returns the function that stops listening. */
  subscribe(listener: (c: Change) => void): () => void {
    this.listeners.add(listener);
    if (!this.timer) this.start();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  /** Resolves once the feed knows where "now" is (tests wait for it before making changes). */
  ready(): Promise<void> {
    return this.started ?? Promise.resolve();
  }

  private start(): void {
    this.started = (async () => {
      const e = await this.db.query<{ id: string | null }>('SELECT max(id) AS id FROM case_events');
      this.lastEventId = Number(e.rows[0]?.id ?? 0);
      const m = await this.db.query<{ t: Date | null }>('SELECT max(updated_at) AS t FROM missions');
      this.missionsSince = m.rows[0]?.t ? new Date(m.rows[0].t) : new Date(0);
      // Missions as they are now are not news: only what changes from here is sent.
      const now = await this.db.query<Record<string, unknown>>(
        'SELECT id, state, last_reached_seq, flight_id FROM missions WHERE updated_at >= $1',
        [this.missionsSince],
      );
      for (const r of now.rows) this.missionSeen.set(r.id as string, missionKey(r));
    })().catch(() => undefined);
    this.timer = setInterval(() => {
      this.polling = this.polling.then(() => this.poll()).catch(() => undefined);
    }, this.intervalMs);
    this.timer.unref();
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.missionSeen.clear();
  }

  private emit(c: Change): void {
    for (const l of this.listeners) l(c);
  }

  /** One look at what changed since the last. */
  async poll(): Promise<void> {
    await this.started;
    const ev = await this.db.query<Record<string, unknown>>(
      `SELECT e.id, e.case_id, e.at, e.kind, e.action, e.from_state, e.to_state, e.actor, ${ACTOR_NAME_SQL('e.actor')} AS actor_name,
              c.category, c.state, c.department_id, c.assist_department_ids
         FROM case_events e JOIN cases c ON c.id = e.case_id
        WHERE e.id > $1 ORDER BY e.id LIMIT 1000`,
      [this.lastEventId],
    );
    for (const r of ev.rows) {
      this.lastEventId = Number(r.id);
      this.emit({
        type: 'case',
        data: {
          eventId: Number(r.id),
          caseId: r.case_id as string,
          at: iso(r.at),
          kind: r.kind as string,
          action: (r.action as string | null) ?? null,
          from: (r.from_state as string | null) ?? null,
          to: r.to_state as string,
          actor: r.actor as string,
          actorName: r.actor_name as string,
          category: r.category as string,
          state: r.state as string,
          departmentId: (r.department_id as string | null) ?? null,
          assistDepartmentIds: (r.assist_department_ids as string[] | null) ?? [],
        },
      });
    }
    const ms = await this.db.query<Record<string, unknown>>(
      `SELECT id, state, drone_id, plan_id, sortie_index, flight_id, last_reached_seq, error, department_id, updated_at
         FROM missions WHERE updated_at >= $1 ORDER BY updated_at, id LIMIT 1000`,
      [this.missionsSince],
    );
    for (const r of ms.rows) {
      const at = new Date(r.updated_at as string);
      if (at > this.missionsSince) this.missionsSince = at;
      const id = r.id as string;
      const key = missionKey(r);
      if (this.missionSeen.get(id) === key) continue;
      this.missionSeen.set(id, key);
      this.emit({
        type: 'mission',
        data: {
          missionId: id,
          state: r.state as string,
          droneId: (r.drone_id as string | null) ?? null,
          planId: (r.plan_id as string | null) ?? null,
          sortieIndex: Number(r.sortie_index),
          flightId: (r.flight_id as string | null) ?? null,
          lastReachedSeq: r.last_reached_seq == null ? null : Number(r.last_reached_seq),
          error: (r.error as string | null) ?? null,
          departmentId: (r.department_id as string | null) ?? null,
          updatedAt: at.toISOString(),
        },
      });
    }
  }
}

const feeds = new WeakMap<object, ChangeFeed>();

/** The one feed of a database in this process. */
export function changeFeedOf(db: Queryable, intervalMs?: number): ChangeFeed {
  let f = feeds.get(db);
  if (!f) feeds.set(db, (f = new ChangeFeed(db, intervalMs)));
  return f;
}
