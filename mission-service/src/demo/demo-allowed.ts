/**
 * Where demo mode may run. Demo accounts have a public password and the demo flies simulated drones, so it is
 * only ever on for a service that listens on loopback with the embedded database: a laptop, never a county
 * network or a shared PostgreSQL.
 */

const LOOPBACK = /^(127(\.\d{1,3}){3}|::1|localhost)$/i;

/** True for an address only this machine can reach (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.test(host.trim());
}

/** Why demo mode may not run here (Chinese first, English beside), or null when it may. */
export function demoRefusal(o: { host: string; databaseUrl?: string | undefined }): string | null {
  if (!isLoopbackHost(o.host)) return `HOST=${o.host} 不是本机回环地址 / HOST=${o.host} is not a loopback address`;
  if (o.databaseUrl) return '已设置 DATABASE_URL（外部数据库）/ DATABASE_URL is set (an external database)';
  return null;
}

/** The default of XUNCHA_DEMO: on exactly when demo mode may run. */
export function demoByDefault(o: { host: string; databaseUrl?: string | undefined }): boolean {
  return demoRefusal(o) === null;
}
