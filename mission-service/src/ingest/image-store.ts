import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Where a photo lives: `<dataDir>/images/ab/cd/<sha256>.jpg`. Built only from a validated hex digest, so no
 * name from outside ever reaches the file system (path traversal is impossible by construction).
 */
export function imagePath(dataDir: string, sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a sha256 digest: ${sha256.slice(0, 80)}`);
  return path.join(dataDir, 'images', sha256.slice(0, 2), sha256.slice(2, 4), `${sha256}.jpg`);
}

/** Pluggable storage of photo bytes (disk now; object storage later). */
export interface ImageStore {
  /** Stores the bytes under their digest; returns the stored location and whether this call created it. */
  put(sha256: string, bytes: Uint8Array): Promise<{ location: string; created: boolean }>;
  remove(sha256: string): Promise<void>;
}

/** Disk store under the data directory: write to a temporary name, then rename (never a half-written photo). */
export function diskImageStore(dataDir: string): ImageStore {
  return {
    async put(sha256, bytes) {
      const target = imagePath(dataDir, sha256);
      const exists = await stat(target).then(
        () => true,
        () => false,
      );
      if (exists) return { location: target, created: false };
      await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
      const tmp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
      try {
        // Owner-only: photos of villages are personal data.
        await writeFile(tmp, bytes, { flag: 'wx', mode: 0o600 });
        await rename(tmp, target);
      } catch (err) {
        // A short write (disk full) or a failed rename leaves nothing behind.
        await rm(tmp, { force: true });
        throw err;
      }
      return { location: target, created: true };
    },
    async remove(sha256) {
      await rm(imagePath(dataDir, sha256), { force: true });
    },
  };
}
