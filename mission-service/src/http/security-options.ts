import type { LoginGuardOptions } from '../auth/login-guard.ts';
import type { Config } from '../config.ts';
import { DEFAULT_DRONE_CONNECTION_POLICY, type DroneConnectionPolicy } from '../drones/connection-policy.ts';
import { DEFAULT_WEBHOOK_POLICY, type WebhookTargetPolicy } from '../webhooks/target-guard.ts';

/** The security settings the HTTP API applies (from the configuration; see the README's table). */
export interface SecurityOptions {
  webhooks: WebhookTargetPolicy;
  drones: DroneConnectionPolicy;
  /** Anonymous reads of the shared reference layers (read-only, paged). */
  publicLayers: boolean;
  /** A bearer token for `GET /api/metrics` besides an admin session. */
  metricsToken?: string;
  /** Express `trust proxy` (client addresses from X-Forwarded-For behind a proxy). */
  trustProxy?: string;
  /**
   * Open311 requests per minute: per anonymous source address, all anonymous sources together, per API key;
   * and anonymous requests answered at once (beyond: 429 before any database work).
   */
  open311: { anonymousPerMin: number; anonymousTotalPerMin: number; anonymousInFlight: number; keyPerMin: number };
  loginGuard?: LoginGuardOptions;
}

export const DEFAULT_SECURITY: SecurityOptions = {
  webhooks: DEFAULT_WEBHOOK_POLICY,
  drones: DEFAULT_DRONE_CONNECTION_POLICY,
  publicLayers: true,
  open311: { anonymousPerMin: 60, anonymousTotalPerMin: 1200, anonymousInFlight: 4, keyPerMin: 600 },
};

/** The security options of a configuration. */
export function securityFromConfig(cfg: Config): SecurityOptions {
  return {
    webhooks: { allow: cfg.webhookAllow },
    drones: { serialDevices: cfg.droneSerial, udpBind: cfg.droneUdpBind, hosts: cfg.droneHosts },
    publicLayers: cfg.publicLayers,
    metricsToken: cfg.metricsToken,
    trustProxy: cfg.trustProxy,
    open311: {
      ...DEFAULT_SECURITY.open311,
      anonymousPerMin: cfg.open311RatePerMin,
      anonymousTotalPerMin: cfg.open311AnonymousTotalPerMin,
      keyPerMin: cfg.open311KeyRatePerMin,
    },
  };
}
