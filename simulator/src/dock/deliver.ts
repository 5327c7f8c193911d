/**
 * The dock: after landing, a vehicle's photos are delivered to a folder (JPEG + ground-truth
 * sidecar) or POSTed to the mission service's ingest endpoint (`POST /api/images`, multipart field
 * `files`, JPEGs only — ground truth never goes to the service under test).
 *
 * Like a real dock that the cloud hands its flight task, the dock can be told which flight each
 * vehicle is flying ({@link DockFlights}): the upload then names it (`?flightId=…`, or `?droneId=…`
 * when only the drone is known, and the service finds the flight by capture time). What it was told
 * is used for that vehicle's next delivery only — one landing, one flight — so a later flight it was
 * not told about is never filed under an old one. Untold, the upload names nothing and the service
 * matches the photos by capture time, or keeps them unattributed.
 *
 * Remote failures come back as values in the report, not exceptions; bad arguments throw.
 */
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PhotoRecord } from '../camera/camera.ts';
import { sidecarPathFor } from '../camera/photo.ts';

/** What a dock may be told about the flight of a vehicle. */
export interface DockFlight {
  /** The service's flight id (the upload names it). */
  flightId?: string;
  /** The service's drone id, when the flight itself is not known. */
  droneId?: string;
}

/** The flights the dock was told, per vehicle (MAVLink system id); each is used by one delivery. */
export class DockFlights {
  private readonly told = new Map<number, DockFlight>();

  /** The vehicle `sysId` is flying this flight: its next delivery names it. */
  tell(sysId: number, flight: DockFlight): void {
    if (!flight.flightId && !flight.droneId)
      throw new TypeError('告知航班须含 flightId 或 droneId / tell the dock a flightId or a droneId');
    this.told.set(sysId, { ...flight });
  }

  /** What the dock was told for `sysId`, without using it up. */
  peek(sysId: number): DockFlight | undefined {
    return this.told.get(sysId);
  }

  /** What the dock was told for `sysId`, used up (the delivery of one landing). */
  take(sysId: number): DockFlight | undefined {
    const f = this.told.get(sysId);
    this.told.delete(sysId);
    return f;
  }
}

export type DeliveryTarget =
  { dir: string } | { url: string; token?: string; batchSize?: number; timeoutMs?: number; flights?: DockFlights };

export interface DeliverOptions {
  /** Photos in memory (from capture) or a folder of `*.JPG` + `*.json` written by the camera. */
  photos: readonly PhotoRecord[] | string;
  to: DeliveryTarget;
  /** The flight these photos belong to, when the caller knows it (overrides what the dock was told). */
  flight?: DockFlight;
}

export interface DeliveryReport {
  mode: 'dir' | 'http';
  /** File names delivered. */
  delivered: string[];
  failed: { file: string; reason: string }[];
  /** The flight named in the upload of each vehicle's photos (http mode; absent when none was known). */
  flights?: { sysId: number | null; flightId?: string; droneId?: string }[];
}

interface Item {
  name: string;
  /** The vehicle that took it (ground truth or the DJI-style file name `…_V<sysId>.JPG`), null if unknown. */
  sysId: number | null;
  jpeg: () => Promise<Buffer>;
  sidecar: () => Promise<string | null>;
}

async function listItems(photos: DeliverOptions['photos']): Promise<Item[]> {
  if (typeof photos === 'string') {
    const names = (await readdir(photos)).filter((n) => /\.jpe?g$/i.test(n)).sort();
    return names.map((name) => {
      const file = path.join(photos, name);
      return {
        name,
        sysId: sysIdFromName(name),
        jpeg: () => readFile(file),
        sidecar: () => readFile(sidecarPathFor(file), 'utf8').catch(() => null),
      };
    });
  }
  return photos.map((p, i) => {
    const name =
      p.groundTruth?.photo ?? (p.path ? path.basename(p.path) : `photo_${String(i + 1).padStart(4, '0')}.JPG`);
    return {
      name,
      sysId: p.groundTruth?.pose?.sysId ?? sysIdFromName(name),
      jpeg: async () => p.jpeg ?? (await readFile(p.path as string)),
      sidecar: async () => (p.groundTruth ? JSON.stringify(p.groundTruth, null, 2) : null),
    };
  });
}

function sysIdFromName(name: string): number | null {
  const m = /_V(\d{1,3})\.jpe?g$/i.exec(name);
  return m ? Number(m[1]) : null;
}

async function toDir(items: Item[], dir: string): Promise<DeliveryReport> {
  await mkdir(dir, { recursive: true });
  const report: DeliveryReport = { mode: 'dir', delivered: [], failed: [] };
  for (const it of items) {
    try {
      const dest = path.join(dir, it.name);
      await writeFile(dest, await it.jpeg());
      const side = await it.sidecar();
      if (side !== null) await writeFile(sidecarPathFor(dest), side);
      report.delivered.push(it.name);
    } catch (err) {
      report.failed.push({ file: it.name, reason: `写入失败 / write failed: ${(err as Error).message}` });
    }
  }
  return report;
}

/** The upload URL naming the flight (or the drone) the photos belong to. */
function urlFor(base: URL, flight: DockFlight | undefined): string {
  const u = new URL(base);
  if (flight?.flightId) {
    u.searchParams.delete('droneId');
    u.searchParams.set('flightId', flight.flightId);
  } else if (flight?.droneId) u.searchParams.set('droneId', flight.droneId);
  return u.toString();
}

async function toHttp(
  items: Item[],
  base: URL,
  token: string | undefined,
  batchSize: number,
  timeoutMs: number,
  flightOf: (sysId: number | null) => DockFlight | undefined,
): Promise<DeliveryReport> {
  const report: DeliveryReport = { mode: 'http', delivered: [], failed: [], flights: [] };
  // One upload per vehicle: each names its own flight.
  const bySys = new Map<number | null, Item[]>();
  for (const it of items) bySys.set(it.sysId, [...(bySys.get(it.sysId) ?? []), it]);
  for (const [sysId, group] of bySys) {
    const flight = flightOf(sysId);
    report.flights!.push({
      sysId,
      ...(flight?.flightId ? { flightId: flight.flightId } : {}),
      ...(flight?.droneId ? { droneId: flight.droneId } : {}),
    });
    await postBatches(group, urlFor(base, flight), token, batchSize, timeoutMs, report);
  }
  return report;
}

async function postBatches(
  items: Item[],
  url: string,
  token: string | undefined,
  batchSize: number,
  timeoutMs: number,
  report: DeliveryReport,
): Promise<void> {
  for (let b = 0; b < items.length; b += batchSize) {
    const batch = items.slice(b, b + batchSize);
    const form = new FormData();
    for (const it of batch)
      form.append('files', new Blob([new Uint8Array(await it.jpeg())], { type: 'image/jpeg' }), it.name);
    let reason: string | null = null;
    // One retry for a dropped connection; an HTTP error answer is final.
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const res = await fetch(url, {
          method: 'POST',
          body: form,
          headers: token ? { authorization: `Bearer ${token}` } : {},
          signal: AbortSignal.timeout(timeoutMs),
        });
        const text = await res.text();
        reason = res.ok ? null : `HTTP ${res.status}: ${text.slice(0, 300)}`;
        break;
      } catch (err) {
        reason = `上传失败 / upload failed: ${(err as Error).message}`;
      }
    }
    if (reason === null) report.delivered.push(...batch.map((i) => i.name));
    else report.failed.push(...batch.map((i) => ({ file: i.name, reason: reason as string })));
  }
}

/** Deliver photos to a folder or the mission service; see the module doc for the two modes. */
export async function deliverPhotos(opts: DeliverOptions): Promise<DeliveryReport> {
  const items = await listItems(opts.photos);
  const to = opts.to;
  if ('dir' in to) {
    if (typeof to.dir !== 'string' || !to.dir)
      throw new TypeError('to.dir 必须是目录路径 / to.dir must be a folder path');
    if (typeof opts.photos === 'string' && path.resolve(opts.photos) === path.resolve(to.dir))
      return { mode: 'dir', delivered: items.map((i) => i.name), failed: [] };
    return toDir(items, to.dir);
  }
  let url: URL;
  try {
    url = new URL(to.url);
  } catch {
    throw new TypeError(`上传地址无效 / invalid upload url: ${String(to.url)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new TypeError(`上传地址须为 http(s) / upload url must be http(s): ${to.url}`);
  const flights = to.flights;
  const flightOf = (sysId: number | null) => opts.flight ?? (sysId === null ? undefined : flights?.take(sysId));
  return toHttp(items, url, to.token, Math.max(1, to.batchSize ?? 20), to.timeoutMs ?? 60_000, flightOf);
}
