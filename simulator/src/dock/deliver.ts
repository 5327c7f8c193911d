/**
 * The dock: after landing, a vehicle's photos are delivered to a folder (JPEG + ground-truth
 * sidecar) or POSTed to the mission service's ingest endpoint (`POST /api/flights/:id/images`,
 * multipart field `files`, JPEGs only — ground truth never goes to the service under test).
 * Remote failures come back as values in the report, not exceptions; bad arguments throw.
 */
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PhotoRecord } from '../camera/camera.ts';
import { sidecarPathFor } from '../camera/photo.ts';

export type DeliveryTarget = { dir: string } | { url: string; token?: string; batchSize?: number; timeoutMs?: number };

export interface DeliverOptions {
  /** Photos in memory (from capture) or a folder of `*.JPG` + `*.json` written by the camera. */
  photos: readonly PhotoRecord[] | string;
  to: DeliveryTarget;
}

export interface DeliveryReport {
  mode: 'dir' | 'http';
  /** File names delivered. */
  delivered: string[];
  failed: { file: string; reason: string }[];
}

interface Item {
  name: string;
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
      jpeg: async () => p.jpeg ?? (await readFile(p.path as string)),
      sidecar: async () => (p.groundTruth ? JSON.stringify(p.groundTruth, null, 2) : null),
    };
  });
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

async function toHttp(
  items: Item[],
  url: string,
  token: string | undefined,
  batchSize: number,
  timeoutMs: number,
): Promise<DeliveryReport> {
  const report: DeliveryReport = { mode: 'http', delivered: [], failed: [] };
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
  return report;
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
  return toHttp(items, url.toString(), to.token, Math.max(1, to.batchSize ?? 20), to.timeoutMs ?? 60_000);
}
