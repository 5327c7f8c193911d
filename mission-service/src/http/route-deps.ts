import type { LoginGuard } from '../auth/login-guard.ts';
import type { Db } from '../db/db.ts';
import type { DroneLinkManager } from '../drones/link-port.ts';
import type { ImageStore } from '../ingest/image-store.ts';
import type { EnqueueTriage } from '../ingest/ingest-image.ts';
import type { Open311Limits } from '../limits/open311-limits.ts';
import type { RefusalTally } from '../limits/refusal-tally.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { MissionControl } from '../missions/mission-control.ts';
import type { AreaChangedHook } from '../areas/area-service.ts';
import type { Route } from './route.ts';
import type { SecurityOptions } from './security-options.ts';

/** What the route tables are built from (one object, so adding a dependency touches one place). */
export interface RouteDeps {
  db: Db;
  logger: Logger;
  links?: DroneLinkManager;
  clock: () => Date;
  missions: MissionControl;
  store?: ImageStore;
  /** Where thumbnails and evidence crops are kept (`<dataDir>/thumbs`, `<dataDir>/evidence`). */
  dataDir?: string;
  enqueueTriage?: EnqueueTriage;
  /** IANA zone of uploaded photo times that carry no offset (default Asia/Shanghai). */
  photoTimeZone?: string;
  onAreaChanged?: AreaChangedHook;
  security: SecurityOptions;
  loginGuard: LoginGuard;
  /** Open311's rate limits (shared with the edge gate). */
  open311Limits: Open311Limits;
  /** Refused requests, counted and reported once a minute (log and audit). */
  refusals: RefusalTally;
  metrics: Metrics;
  /** Every route of the API (for the OpenAPI document), available once the tables are built. */
  allRoutes: () => { api: readonly Route[]; open311: readonly Route[] };
}
