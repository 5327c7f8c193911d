import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// onnxruntime-node's postinstall downloads CUDA binaries from outside the npm registry (and fails the install
// where that is unreachable): it must never run, and the setting that stops it must not make npm warn.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('npm configuration of the project', () => {
  it('skips dependency install scripts with settings npm knows (no "Unknown project config" warning)', () => {
    const r = spawnSync('npm', ['config', 'get', 'ignore-scripts'], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).not.toMatch(/Unknown project config/);
    expect(r.stdout.trim()).toBe('true');
    // npm 11's install-script policy says the same in package.json.
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      allowScripts: Record<string, boolean>;
    };
    expect(pkg.allowScripts['onnxruntime-node']).toBe(false);
  });

  it('installed onnxruntime-node without the files its postinstall would have downloaded', () => {
    const ort = path.join(root, 'node_modules/onnxruntime-node');
    const platform = `${process.platform}/${process.arch}`;
    const metadata = createRequire(import.meta.url)(path.join(ort, 'script/install-metadata.js')) as {
      requirements: Record<string, string[]>;
      manifests: Record<string, Record<string, unknown>>;
    };
    const downloads = (metadata.requirements[platform] ?? []).flatMap((name) =>
      Object.keys(metadata.manifests[`${platform}:${name}`] ?? {}),
    );
    const bin = path.join(ort, 'bin/napi-v6', platform);
    expect(existsSync(path.join(bin, 'onnxruntime_binding.node'))).toBe(true);
    expect(downloads.filter((f) => existsSync(path.join(bin, f)))).toEqual([]);
  });
});
