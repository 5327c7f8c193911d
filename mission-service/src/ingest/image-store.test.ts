import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { diskImageStore, imagePath } from './image-store.ts';

const SHA = 'ab'.repeat(32);
const dirs: string[] = [];
const tempDir = async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'xuncha-store-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/** Every file under dir, relative. */
const files = async (dir: string) =>
  (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)));

describe('disk image store', () => {
  it('stores under images/ab/cd/<sha>.jpg once, and says whether this call created it', async () => {
    const dir = await tempDir();
    const store = diskImageStore(dir);
    const bytes = new Uint8Array([1, 2, 3]);
    expect(await store.put(SHA, bytes)).toEqual({ location: imagePath(dir, SHA), created: true });
    expect(await store.put(SHA, bytes)).toEqual({ location: imagePath(dir, SHA), created: false });
    expect(await files(dir)).toEqual([path.join('images', 'ab', 'ab', `${SHA}.jpg`)]);
    expect([...(await readFile(imagePath(dir, SHA)))]).toEqual([1, 2, 3]);
  });

  it('a write the disk refuses half-way leaves neither the photo nor a .tmp file behind', async () => {
    // A real short write: the file-size limit (ulimit -f, 1 KiB) makes the kernel refuse the rest with EFBIG,
    // as a full disk would with ENOSPC.
    const dir = await tempDir();
    const store = fileURLToPath(new URL('./image-store.ts', import.meta.url));
    const script = `const { diskImageStore } = await import(${JSON.stringify(store)});
      await diskImageStore(process.argv[1]).put('${SHA}', new Uint8Array(64 * 1024)).then(
        () => console.log('stored'), (e) => console.log(e.code));`;
    const r = spawnSync(
      'bash',
      ['-c', 'ulimit -f 1 && exec "$0" --import tsx --input-type=module -e "$1" "$2"', process.execPath, script, dir],
      { encoding: 'utf8' },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('EFBIG');
    expect(await files(dir)).toEqual([]);
  });
});
