/**
 * Pieces the `xuncha upload` / `xuncha telemetry` commands share: parsing options, opening a link
 * and waiting for the vehicle, a text progress bar, one-line status.
 */
import { MavlinkLink, type LinkOptions } from './core/link.ts';
import type { Vehicle } from './core/vehicle.ts';
import { LinkError } from './errors.ts';
import { parseSigningKey } from './mavlink/signing.ts';
import type { TelemetryPlugin } from './plugins/telemetry/telemetry.ts';

export interface ConnectCliOptions {
  to: string;
  signingKey?: string;
  sysId?: string;
  timeoutMs?: string;
  missionTimeoutMs?: string;
  retries?: string;
}

function intOption(name: string, v: string | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new LinkError('invalid_argument', `参数无效 / invalid ${name} "${v}" (integer ${min}–${max})`);
  }
  return n;
}

/** Open the link and wait for the (given or first) vehicle. The caller closes the link. */
export async function connectFromCli(
  o: ConnectCliOptions,
  logger: LinkOptions['logger'],
): Promise<{ link: MavlinkLink; vehicle: Vehicle; deadlineMs: number | undefined }> {
  const key = o.signingKey ? parseSigningKey(o.signingKey) : undefined;
  const sysId = intOption('--sys-id', o.sysId, 1, 255);
  const deadlineMs = intOption('--timeout-ms', o.timeoutMs, 100, 24 * 3600_000);
  const missionTimeoutMs = intOption('--mission-timeout-ms', o.missionTimeoutMs, 10, 60_000);
  const retries = intOption('--retries', o.retries, 0, 100);
  const link = await MavlinkLink.connect(o.to, {
    ...(key ? { signing: { key } } : {}),
    missionTiming: { timeoutMs: missionTimeoutMs ?? 1500, retries: retries ?? 5 },
    ...(logger ? { logger } : {}),
  });
  try {
    const vehicle = await link.waitForVehicle({
      ...(sysId === undefined ? {} : { sysId }),
      deadlineMs: Math.min(deadlineMs ?? 15_000, 15_000),
    });
    return { link, vehicle, deadlineMs };
  } catch (e) {
    await link.close();
    throw e;
  }
}

/** `[########------------]  40/100 上传 upload` */
export function progressBar(done: number, total: number, label: string, width = 30): string {
  const frac = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(frac * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(done).padStart(String(total).length)}/${total} ${label}`;
}

const fmt = (v: number | undefined, digits: number, unit = ''): string =>
  v === undefined || Number.isNaN(v) ? '—' : `${v.toFixed(digits)}${unit}`;

/** One-line status of a vehicle from its telemetry. */
export function statusLine(v: Vehicle, t: TelemetryPlugin = v.telemetry): string {
  const p = t.position.value;
  const b = t.battery.value;
  const g = t.gps.value;
  const m = v.mission.progress.value;
  return [
    `#${v.sysId} ${v.autopilot}`,
    v.connected.value ? '在线 online' : '失联 LOST',
    `${t.armed.value ? '已解锁 ARMED' : '未解锁 disarmed'}`,
    `模式 ${t.flightMode.value ?? '—'}`,
    p ? `${p.latDeg.toFixed(7)},${p.lonDeg.toFixed(7)}` : 'pos —',
    `相对高 ${fmt(p?.altRelM, 1, 'm')}`,
    `海拔 ${fmt(p?.altAmslM, 1, 'm')}`,
    `航向 ${fmt(t.attitude.value?.headingDeg, 0, '°')}`,
    `电池 ${fmt(b?.voltageV, 1, 'V')} ${fmt(b?.remainingPct, 0, '%')}`,
    `GPS ${g ? `fix${g.fixType} ${g.satellites}sat` : '—'}`,
    m ? `航点 ${m.currentIndex + 1}/${m.total}` : '',
  ]
    .filter(Boolean)
    .join(' | ');
}

/** Format an error for the terminal: `上传失败 / upload failed [timeout]: …`. */
export function describeError(prefix: string, e: unknown): string {
  if (e instanceof LinkError)
    return `${prefix} [${e.result}${e.missionResult ? ` ${e.missionResult}` : ''}]: ${e.message}`;
  return `${prefix}: ${e instanceof Error ? e.message : String(e)}`;
}
