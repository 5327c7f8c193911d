import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_MODEL_MANIFEST } from '@xuncha/triage/default-model';
import { z } from 'zod';
import { assertTimeZone, DEFAULT_PHOTO_TIME_ZONE } from '@xuncha/triage';
import { maskUrl } from './db/pg-db.ts';
import { DEFAULT_DRONE_CONNECTION_POLICY } from './drones/connection-policy.ts';
import { demoByDefault } from './demo/demo-allowed.ts';

/** A list setting: a JSON array in the file, comma-separated in the environment. */
const list = (defaults: readonly string[]) =>
  z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((x) => x.trim()).filter(Boolean))
    .default([...defaults]);

/** Every setting of the service, with its environment variable and default. */
export const ConfigSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  host: z.string().min(1).default('127.0.0.1'),
  dataDir: z.string().min(1).default('./data'),
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must start with postgres:// or postgresql://')
    .optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  loadSampleData: z.boolean().default(true),
  /** Triage model manifest (JSON beside its ONNX file); default: the model Xuncha ships (triage/model/). */
  model: z.string().min(1).default(DEFAULT_MODEL_MANIFEST),
  /** IANA zone of photo times that carry no offset (EXIF OffsetTimeOriginal); DJI drones in China write Beijing time. */
  photoTimeZone: z
    .string()
    .default(DEFAULT_PHOTO_TIME_ZONE)
    .refine(
      (tz) => {
        try {
          assertTimeZone(tz);
          return true;
        } catch {
          return false;
        }
      },
      { message: 'not an IANA time zone (e.g. Asia/Shanghai)' },
    ),
  /** Non-public webhook targets an admin allows: CIDRs (`10.0.0.0/8`) or host names. */
  webhookAllow: list([]),
  /** Serial devices drones may be connected on (glob patterns). */
  droneSerial: list(DEFAULT_DRONE_CONNECTION_POLICY.serialDevices),
  /** Addresses a `udpin://` drone listener may bind. */
  droneUdpBind: list(DEFAULT_DRONE_CONNECTION_POLICY.udpBind),
  /** Hosts (CIDRs or names) `tcp://` and `udpout://` drone connections may reach. */
  droneHosts: list(DEFAULT_DRONE_CONNECTION_POLICY.hosts),
  /** Whether anyone may read the shared reference layers (`GET /api/layers/…`, read-only, paged) without logging in. */
  publicLayers: z.boolean().default(true),
  /** Bearer token a Prometheus scraper may use for `GET /api/metrics` (else an admin session). Secret. */
  metricsToken: z.string().min(16, 'at least 16 characters').optional(),
  /** Express `trust proxy`: set (e.g. `loopback` or `1`) behind a reverse proxy so limits see client addresses. */
  trustProxy: z.string().min(1).optional(),
  /** Anonymous Open311 requests per minute per source address (429 beyond). */
  open311RatePerMin: z.coerce.number().int().min(1).max(100_000).default(60),
  /** Anonymous Open311 requests per minute, all source addresses together (a flood from many addresses). */
  open311AnonymousTotalPerMin: z.coerce.number().int().min(1).max(1_000_000).default(1200),
  /** Open311 requests per minute per API key. */
  open311KeyRatePerMin: z.coerce.number().int().min(1).max(1_000_000).default(600),
  /**
   * Demo mode: demo accounts for every role, two simulated drones and a patrol that flies by itself. Default: on
   * with the embedded database on a loopback HOST, off otherwise (see demo/demo-allowed.ts).
   */
  demo: z.boolean().optional(),
  /** Optional online basemap for the web app: an XYZ raster template, its CRS (gcj02/bd09 are refused). */
  basemapUrl: z.string().min(1).optional(),
  basemapCrs: z.string().min(1).optional(),
  /** 天地图 Tianditu key: adds its imagery and vector basemaps to the web app. */
  tiandituKey: z.string().min(1).optional(),
});
export type Config = Omit<z.infer<typeof ConfigSchema>, 'demo'> & { demo: boolean };

/** Environment variable behind each setting (the README's configuration table lists the same). */
export const envNames: Record<keyof Config, string> = {
  port: 'PORT',
  host: 'HOST',
  dataDir: 'XUNCHA_DATA_DIR',
  databaseUrl: 'DATABASE_URL',
  logLevel: 'LOG_LEVEL',
  loadSampleData: 'XUNCHA_SAMPLE_DATA',
  model: 'XUNCHA_MODEL',
  photoTimeZone: 'XUNCHA_PHOTO_TIMEZONE',
  webhookAllow: 'XUNCHA_WEBHOOK_ALLOW',
  droneSerial: 'XUNCHA_DRONE_SERIAL',
  droneUdpBind: 'XUNCHA_DRONE_UDP_BIND',
  droneHosts: 'XUNCHA_DRONE_HOSTS',
  publicLayers: 'XUNCHA_PUBLIC_LAYERS',
  metricsToken: 'XUNCHA_METRICS_TOKEN',
  trustProxy: 'XUNCHA_TRUST_PROXY',
  open311RatePerMin: 'XUNCHA_OPEN311_RATE',
  open311KeyRatePerMin: 'XUNCHA_OPEN311_KEY_RATE',
  open311AnonymousTotalPerMin: 'XUNCHA_OPEN311_ANON_TOTAL_RATE',
  demo: 'XUNCHA_DEMO',
  basemapUrl: 'XUNCHA_BASEMAP_URL',
  basemapCrs: 'XUNCHA_BASEMAP_CRS',
  tiandituKey: 'XUNCHA_TIANDITU_KEY',
};

const BOOLEAN_SETTINGS = new Set<string>(['loadSampleData', 'publicLayers', 'demo']);

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Reads the configuration: an optional JSON file (`XUNCHA_CONFIG`), then environment variables over it.
 * Throws ConfigError naming the variable that is wrong.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  let fromFile: Record<string, unknown> = {};
  if (env.XUNCHA_CONFIG) {
    try {
      fromFile = JSON.parse(readFileSync(env.XUNCHA_CONFIG, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new ConfigError(
        `配置文件无法读取 / cannot read XUNCHA_CONFIG=${env.XUNCHA_CONFIG}: ${(err as Error).message}`,
      );
    }
  }
  const raw: Record<string, unknown> = { ...fromFile };
  for (const [key, name] of Object.entries(envNames)) {
    const v = env[name];
    if (v !== undefined && v !== '') raw[key] = BOOLEAN_SETTINGS.has(key) ? !/^(0|false|no)$/i.test(v) : v;
  }
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0]) as keyof Config;
    throw new ConfigError(`配置错误 / invalid ${envNames[key] ?? key}: ${issue.message}`);
  }
  // Unset, demo mode follows where the service runs; set, it is what was asked (serve refuses an unsafe `1`).
  const demo = parsed.data.demo ?? demoByDefault(parsed.data);
  return { ...parsed.data, demo, dataDir: path.resolve(parsed.data.dataDir) };
}

/** The configuration as it may be logged: secrets masked. */
export function describeConfig(cfg: Config): Record<string, unknown> {
  return {
    ...cfg,
    databaseUrl: cfg.databaseUrl ? maskUrl(cfg.databaseUrl) : undefined,
    metricsToken: cfg.metricsToken ? '***' : undefined,
    tiandituKey: cfg.tiandituKey ? '***' : undefined,
    database: cfg.databaseUrl ? 'postgres' : 'pglite (embedded)',
  };
}
