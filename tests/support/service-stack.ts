/**
 * The real service as `xuncha serve` runs it (`startService`, in process) on a private copy of the embedded test
 * database with the demo users, for the suites in tests/ (browser, end to end, benches): HTTP helpers that log in as
 * a demo user, and a stop that removes the data folder.
 */
import { request as httpRequest } from 'node:http';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../mission-service/src/config.ts';
import { createLogger } from '../../mission-service/src/logger.ts';
import { startService, type RunningService } from '../../mission-service/src/serve.ts';
import { scarDetectorManifest, scarDetectorOnnx } from '../../mission-service/src/testing/scar-model.ts';
import { pgliteTemplateDir, preparePgliteTemplate } from '../../mission-service/src/testing/test-db.ts';
import { createUser, DEMO_ACCOUNTS } from '../../mission-service/src/auth/index.ts';
import { openDb } from '../../mission-service/src/db/open-db.ts';
import { loadSampleDataOnce } from '../../mission-service/src/db/seed-sample-data.ts';
import { startServe, type ServeProcess } from './serve-process.ts';

export type DemoUser = 'demo-operator' | 'demo-officer' | 'demo-dispatcher' | 'demo-admin';
export const DEMO_PASSWORD = 'xuncha-demo';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ApiAnswer = { status: number; body: any };

/** The HTTP side of a running service, however it runs. */
export interface ServiceApi {
  base: string;
  dataDir: string;
  /** A bearer token of a demo user (logged in once). */
  token(user: DemoUser): Promise<string>;
  /** Logs a user in; returns the bearer token. */
  login(username: string, password: string): Promise<string>;
  /** An API call with a bearer token. */
  call(token: string, method: string, p: string, body?: unknown): Promise<ApiAnswer>;
  /** An API call as a demo user. */
  api(user: DemoUser, method: string, p: string, body?: unknown): Promise<ApiAnswer>;
  /** A multipart upload as a demo user. */
  upload(user: DemoUser, p: string, form: FormData): Promise<ApiAnswer>;
  stop(): Promise<void>;
}

/** The service in this process (startService). */
export interface ServiceStack extends ServiceApi {
  service: RunningService;
}

/** `xuncha serve` as a child process: its event loop is its own, as in production. */
export interface ServeStack extends ServiceApi {
  serve: ServeProcess;
}

export interface ServiceStackOptions {
  /**
   * 'scar': the small fixed-weight scar detector of the service's own tests (finds the simulator's planted fire in a
   * green summer scene in well under a second); 'default': the shipped default model.
   */
  model?: 'scar' | 'default';
  /** More configuration (environment variable names, as `xuncha serve` reads them). */
  env?: Record<string, string>;
  /** A data folder prepared by the caller (database copied in); default a fresh temporary one. */
  dataDir?: string;
}

/** Copies the prepared PGlite template into `<dataDir>/pg` (a fresh embedded database with migrations applied). */
export async function seedDataDir(prefix: string): Promise<string> {
  await preparePgliteTemplate();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), prefix));
  await cp(pgliteTemplateDir, path.join(dataDir, 'pg'), { recursive: true });
  return dataDir;
}

/** Writes the scar detector into `<dataDir>/model` and returns its manifest path (for XUNCHA_MODEL). */
export async function writeScarModel(dataDir: string): Promise<string> {
  const modelDir = path.join(dataDir, 'model');
  await mkdir(modelDir, { recursive: true });
  await writeFile(path.join(modelDir, 'scar.onnx'), scarDetectorOnnx({ inputPx: 256, windowPx: 32, stridePx: 8 }));
  await writeFile(path.join(modelDir, 'manifest.json'), JSON.stringify(scarDetectorManifest(256)));
  return path.join(modelDir, 'manifest.json');
}

/**
 * One JSON request on a connection of its own: a kept-alive socket that the server closed while this process was
 * busy (the simulator renders photos in it) would fail the next request with ECONNRESET.
 */
export function jsonRequest(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<ApiAnswer> {
  const payload = body !== undefined ? Buffer.from(JSON.stringify(body)) : undefined;
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method,
        agent: false,
        headers: {
          ...headers,
          ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null });
          } catch {
            resolve({ status: res.statusCode ?? 0, body: text });
          }
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

export async function startServiceStack(o: ServiceStackOptions = {}): Promise<ServiceStack> {
  const dataDir = o.dataDir ?? (await seedDataDir('xuncha-stack-'));
  const model = (o.model ?? 'scar') === 'scar' ? { XUNCHA_MODEL: await writeScarModel(dataDir) } : {};
  const cfg = loadConfig({
    ...model,
    PORT: '0',
    HOST: '127.0.0.1',
    XUNCHA_DATA_DIR: dataDir,
    XUNCHA_DEMO: '1',
    LOG_LEVEL: 'silent',
    ...o.env,
  });
  const service = await startService(cfg, createLogger('silent'));
  return {
    ...apiClient(service.url, dataDir),
    service,
    async stop() {
      await service.stop().catch(() => {});
      await rm(dataDir, { recursive: true, force: true }).catch(() => {});
    },
  };
}

/** Test users of `xuncha serve` stacks: `e2e-operator` for 'demo-operator' and so on, same roles and departments. */
export const TEST_USER_PREFIX = 'e2e-';
export const TEST_PASSWORD = 'Xuncha-e2e-Passw0rd-2026';

/**
 * The sample data and one test user per demo account written into the data folder's database before `xuncha serve`
 * starts on it: `xuncha serve` with XUNCHA_DEMO=1 would also fly demo mode's own drones and patrol.
 */
export async function seedTestUsers(dataDir: string): Promise<void> {
  const db = await openDb(loadConfig({ XUNCHA_DATA_DIR: dataDir, XUNCHA_DEMO: '0', LOG_LEVEL: 'silent' }), 'e2e-seed');
  try {
    await loadSampleDataOnce(db);
    for (const a of DEMO_ACCOUNTS)
      await createUser(db, {
        username: a.username.replace(/^demo-/, TEST_USER_PREFIX),
        password: TEST_PASSWORD,
        roles: a.roles,
        departmentId: a.departmentId,
      });
  } finally {
    await db.close();
  }
}

/** Starts `xuncha serve` as a child process on a data folder prepared like {@link startServiceStack}'s. */
export async function startServeStack(o: Omit<ServiceStackOptions, 'dataDir'> = {}): Promise<ServeStack> {
  const dataDir = await seedDataDir('xuncha-serve-stack-');
  await seedTestUsers(dataDir);
  const model: Record<string, string> =
    (o.model ?? 'scar') === 'scar' ? { XUNCHA_MODEL: await writeScarModel(dataDir) } : {};
  const serve = await startServe(dataDir, { ...model, XUNCHA_DEMO: '0', LOG_LEVEL: 'info', ...o.env });
  return {
    ...apiClient(serve.url, dataDir, { prefix: TEST_USER_PREFIX, password: TEST_PASSWORD }),
    serve,
    async stop() {
      if (serve.child.exitCode === null && serve.child.signalCode === null) {
        serve.child.kill('SIGTERM');
        await serve.exited;
      }
      await rm(dataDir, { recursive: true, force: true }).catch(() => {});
    },
  };
}

/** HTTP helpers for a service at `base`: demo-user logins (cached), JSON calls, multipart uploads. */
export function apiClient(
  base: string,
  dataDir: string,
  users: { prefix: string; password: string } = { prefix: 'demo-', password: DEMO_PASSWORD },
): Omit<ServiceApi, 'stop'> {
  const login = async (username: string, password: string) => {
    const r = await jsonRequest(`${base}/api/auth/login`, 'POST', {}, { username, password });
    if (r.status !== 200) throw new Error(`login of ${username} refused: ${r.status} ${JSON.stringify(r.body)}`);
    return (r.body as { token: string }).token;
  };
  const tokens = new Map<DemoUser, string>();
  const token = async (user: DemoUser) => {
    if (!tokens.has(user)) tokens.set(user, await login(user.replace(/^demo-/, users.prefix), users.password));
    return tokens.get(user)!;
  };
  const call = (bearer: string, method: string, p: string, body?: unknown): Promise<ApiAnswer> =>
    jsonRequest(`${base}${p}`, method, { authorization: `Bearer ${bearer}` }, body);
  return {
    base,
    dataDir,
    token,
    login,
    call,
    async api(user, method, p, body) {
      return call(await token(user), method, p, body);
    },
    async upload(user, p, form) {
      const r = await fetch(`${base}${p}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await token(user)}` },
        body: form,
      });
      return { status: r.status, body: await r.json() };
    },
  };
}
