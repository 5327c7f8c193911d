import type { Queryable } from '../db/db.ts';
import { hashApiKey, verifyApiKey } from '../open311/api-keys.ts';
import { InFlightCap } from './in-flight-cap.ts';
import { BoundedMap, TokenBuckets } from './rate-limit.ts';

export interface Open311LimitOptions {
  anonymousPerMin: number;
  anonymousTotalPerMin: number;
  anonymousInFlight: number;
  keyPerMin: number;
}

/** How long an address that showed a valid key skips the anonymous check at the edge. */
const KEYED_SOURCE_MS = 10 * 60_000;

/**
 * The rate limits of Open311, shared by the edge gate (before the body is read) and the Open311 routes: a token
 * bucket per source address for anonymous clients (and clients whose key is unknown), one shared by all anonymous
 * sources (forged or many addresses), a larger one per API key, a cap on anonymous requests in flight, and a small
 * budget of key look-ups (a made-up key per request must not cost a database query each).
 */
export class Open311Limits {
  private readonly anon: TokenBuckets;
  private readonly anonTotal: TokenBuckets;
  private readonly anonInFlight: InFlightCap;
  private readonly keyed: TokenBuckets;
  private readonly lookups = new TokenBuckets({ burst: 10, perSecond: 1 });
  private readonly lookupsTotal = new TokenBuckets({ burst: 50, perSecond: 20 });
  /** Key hash → its id (or null: not a key), for a minute: repeated requests cost no database lookup. */
  private readonly keys = new BoundedMap<{ id: string | null; at: number }>(5000);
  /** Addresses that showed a valid key lately → until when. */
  private readonly keyedSources = new BoundedMap<number>(5000);

  constructor(limits: Open311LimitOptions) {
    this.anon = new TokenBuckets({
      burst: Math.max(5, Math.ceil(limits.anonymousPerMin / 6)),
      perSecond: limits.anonymousPerMin / 60,
    });
    this.anonTotal = new TokenBuckets({
      burst: Math.max(10, Math.ceil(limits.anonymousTotalPerMin / 20)),
      perSecond: limits.anonymousTotalPerMin / 60,
    });
    this.anonInFlight = new InFlightCap(limits.anonymousInFlight);
    this.keyed = new TokenBuckets({
      burst: Math.max(10, Math.ceil(limits.keyPerMin / 6)),
      perSecond: limits.keyPerMin / 60,
    });
  }

  /** The anonymous limits for one request from `source`: 0 when it may go on (holding an in-flight slot until `res` closes), else Retry-After seconds. */
  anonymous(source: string, res: { once(event: 'close', listener: () => void): unknown }): number {
    return this.anon.take(source) || this.anonTotal.take('anonymous') || (this.anonInFlight.enter(res) ? 0 : 1);
  }

  /** Did `source` show a valid key lately (its requests then skip the anonymous check at the edge)? */
  isKeyedSource(source: string): boolean {
    return (this.keyedSources.get(source) ?? 0) > Date.now();
  }

  /**
   * The key's id (null: none or not a key), from the cache or, within the look-up budget, the database; or a
   * number: the seconds to wait because the look-up budget is spent.
   */
  async keyId(db: Queryable, key: string, source: string): Promise<string | null | number> {
    const h = hashApiKey(key);
    const hit = this.keys.get(h);
    let id: string | null;
    if (hit && Date.now() - hit.at < 60_000) id = hit.id;
    else {
      const wait = this.lookups.take(source) || this.lookupsTotal.take('all');
      if (wait) return wait;
      id = (await verifyApiKey(db, key))?.id ?? null;
      this.keys.set(h, { id, at: Date.now() });
    }
    if (id) this.keyedSources.set(source, Date.now() + KEYED_SOURCE_MS);
    return id;
  }

  /** The keyed client's own bucket: 0 or Retry-After seconds. */
  keyedTake(keyId: string): number {
    return this.keyed.take(keyId);
  }
}
