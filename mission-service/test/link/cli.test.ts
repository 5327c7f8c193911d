import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningSimulation } from '@xuncha/simulator';
import { registerUploadCommand } from '../../src/cli/commands/upload.ts';
import { registerTelemetryCommand } from '../../src/cli/commands/telemetry.ts';
import { startOneSim } from './one-sim.ts';

type Sim = RunningSimulation;

function planDoc(): unknown {
  const item = (seq: number, command: number, x: number, frame = 3) => ({
    seq,
    frame,
    command,
    current: 0,
    autocontinue: 1,
    param1: 0,
    param2: null,
    param3: null,
    param4: null,
    x,
    y: 1_191_400_000,
    z: command === 20 ? 0 : 30,
  });
  return {
    version: 1,
    pattern: 'survey',
    camera: 'M3E',
    drone: 'test',
    launch: { lon: 119.14, lat: 28.07 },
    altitudeMode: 'relative',
    altAglM: 30,
    speedMps: 8,
    sorties: [
      {
        index: 0,
        route: {
          type: 'LineString',
          coordinates: [
            [119.14, 28.07, 0],
            [119.141, 28.071, 30],
          ],
        },
        items: [item(0, 22, 280_700_000), item(1, 16, 280_701_000), item(2, 16, 280_702_000), item(3, 20, 0, 2)],
        lengthM: 300,
        durationS: 60,
        photoCount: 0,
      },
    ],
    photos: [],
    stats: {
      areaM2: 0,
      coveredFraction: 0,
      lengthM: 300,
      durationS: 60,
      photoCount: 0,
      sortieCount: 1,
      laneSpacingM: 0,
      triggerDistanceM: 0,
      gsdCm: 0,
    },
    warnings: [],
  };
}

async function run(
  register: (p: Command) => void,
  args: string[],
): Promise<{ code: number; out: string; err: string }> {
  const program = new Command('xuncha').exitOverride();
  register(program);
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  process.exitCode = 0;
  try {
    await program.parseAsync(['node', 'xuncha', ...args]);
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { code, out, err };
}

describe('xuncha upload / telemetry', () => {
  let sim: Sim;
  let planFile: string;
  beforeAll(async () => {
    sim = await startOneSim({ personality: 'ardupilot', seed: 21 });
    const dir = await mkdtemp(path.join(tmpdir(), 'xuncha-link-'));
    planFile = path.join(dir, 'plan.json');
    await writeFile(planFile, JSON.stringify(planDoc()));
  });
  afterAll(async () => sim.stop());

  it('uploads a sortie, verifies it, and prints the result; exit 0', async () => {
    const r = await run(registerUploadCommand, ['upload', '--plan', planFile, '--to', sim.vehicles[0]!.connection]);
    expect(r.err).toContain('4/4');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ ok: true, items: 4, verified: true });
    expect(sim.vehicles[0]!.state().mission).toHaveLength(5);
  });

  it('exits non-zero with the reason when the vehicle rejects the upload', async () => {
    sim.vehicles[0]!.setFaults({ errorAck: 4, missionFaultsOnce: true });
    const r = await run(registerUploadCommand, [
      'upload',
      '--plan',
      planFile,
      '--to',
      sim.vehicles[0]!.connection,
      '--mission-timeout-ms',
      '1000',
    ]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('MAV_MISSION_NO_SPACE');
  });

  it('exits 2 for a bad connection string, a missing sortie or a bad key', async () => {
    for (const args of [
      ['--to', 'tcp:/127.0.0.1:1'],
      ['--to', sim.vehicles[0]!.connection, '--sortie', '5'],
      ['--to', sim.vehicles[0]!.connection, '--sortie', '0'],
      ['--to', sim.vehicles[0]!.connection, '--signing-key', 'abc'],
    ]) {
      const r = await run(registerUploadCommand, ['upload', '--plan', planFile, ...args]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/invalid/);
    }
  });

  it('telemetry exits 2 for an interval or duration out of range, before connecting', async () => {
    for (const args of [
      ['--interval-ms', '1e12'],
      ['--interval-ms', '10'],
      ['--duration-s', '0'],
      ['--duration-s', 'abc'],
    ]) {
      const r = await run(registerTelemetryCommand, ['telemetry', '--to', 'tcp://127.0.0.1:1', ...args]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/invalid --interval-ms/);
    }
  });

  it('prints a one-line status', async () => {
    const r = await run(registerTelemetryCommand, [
      'telemetry',
      '--to',
      sim.vehicles[0]!.connection,
      '--duration-s',
      '1',
      '--interval-ms',
      '400',
    ]);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.at(-1)).toMatch(/#1 ardupilot \| 在线 online/);
    expect(lines.at(-1)).toMatch(/28\.07/);
  });
});
