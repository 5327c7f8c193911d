import { randomBytes } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSetupError } from './db.ts';

/** The lock file of a data directory. */
export function lockFilePath(dataDir: string): string {
  return path.join(dataDir, 'xuncha.lock');
}

interface LockInfo {
  pid: number;
  hostname: string;
  purpose: string;
  since: string;
}

export interface DataDirLock {
  readonly path: string;
  /** Removes the lock (if it is still ours). Idempotent. */
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(file: string): LockInfo | null {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockInfo>;
    return typeof v.pid === 'number' && typeof v.hostname === 'string'
      ? { pid: v.pid, hostname: v.hostname, purpose: String(v.purpose ?? '?'), since: String(v.since ?? '?') }
      : null;
  } catch {
    return null;
  }
}

/**
 * Creates the data directory owner-only (0700) if needed, tightens an existing one to 0700, and takes its
 * exclusive lock: `<dataDir>/xuncha.lock` holding the pid, host and purpose of the holder. A lock whose process
 * is gone (same host, pid not running) is stale and taken over. A live holder is refused with one line saying
 * who holds it — two processes on one embedded database would each see only their own writes, and lose some.
 * Released on `release()` and when the process exits.
 */
export function lockDataDir(dataDir: string, purpose: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    if ((statSync(dataDir).mode & 0o077) !== 0) chmodSync(dataDir, 0o700);
  } catch {
    /* not ours to change (another owner): the lock still applies */
  }
  const file = lockFilePath(dataDir);
  const me: LockInfo = { pid: process.pid, hostname: os.hostname(), purpose, since: new Date().toISOString() };
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(tmp, JSON.stringify(me), { mode: 0o600 });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        // link() fails if the lock exists: creation is atomic, even between processes racing for it.
        linkSync(tmp, file);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw err;
      }
      const holder = readLock(file);
      if (holder && (holder.hostname !== me.hostname || alive(holder.pid))) {
        throw new DatabaseSetupError(
          `数据目录正被使用 / XUNCHA_DATA_DIR ${dataDir} is in use by \`xuncha ${holder.purpose}\` (pid ${holder.pid} on ${holder.hostname}, since ${holder.since}): ` +
            `stop it first${holder.purpose === 'serve' ? ', or do this through its API' : ''}; if no such process runs, delete ${file}`,
        );
      }
      // Stale (its process is gone): move it aside atomically, then try again.
      try {
        const aside = `${file}.stale.${randomBytes(4).toString('hex')}`;
        renameSync(file, aside);
        unlinkSync(aside);
      } catch {
        /* another process cleared it first */
      }
    }
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
  }
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.off('exit', release);
    if (readLock(file)?.pid === process.pid) {
      try {
        unlinkSync(file);
      } catch {
        /* already gone */
      }
    }
  };
  process.on('exit', release);
  return { path: file, release };
}
