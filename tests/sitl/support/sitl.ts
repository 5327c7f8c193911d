/**
 * What every SITL test shares: start a real ArduCopter SITL (instance numbers keep parallel files apart),
 * connect the drone link to it, wait for the EKF before arming, and stop everything after the file.
 */
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { afterAll } from 'vitest';
import { findSitlBinary, startArduPilotSitl, type SitlVehicle } from '../../../simulator/src/runner/ardupilot-sitl.ts';
import { configureSitlAndReboot } from '../../../simulator/src/runner/sitl-client.ts';
import { MavlinkLink, type LinkOptions } from '../../../mission-service/src/link/core/link.ts';
import type { Vehicle } from '../../../mission-service/src/link/core/vehicle.ts';
import { LinkError } from '../../../mission-service/src/link/errors.ts';

/** The demo field of the Longquan scenario (the planner's sample areas are next to it); ground ≈ 210 m AMSL. */
export const DEMO_HOME = { lat: 28.0607, lon: 119.1114, altAmslM: 210 };

export const SPEEDUP = Number(process.env.SITL_SPEEDUP ?? 10);

/** Added to every instance number (ports 5760 + 10·instance), so two suites on one machine stay apart. */
const INSTANCE_BASE = Number(process.env.XUNCHA_SITL_INSTANCE_BASE ?? 0);

export function sitlBinary() {
  const s = findSitlBinary();
  if ('missing' in s) throw new Error(s.missing);
  return s;
}

export interface StartOptions {
  instance: number;
  home?: { lat: number; lon: number; altAmslM: number };
  /** Parameters ArduPilot reads only at boot (e.g. CAM1_TYPE): set, then one reboot. */
  bootParams?: Record<string, number>;
  params?: Record<string, number>;
  /** Simulation speed-up (default SITL_SPEEDUP, 10). */
  speedup?: number;
}

/** Start a SITL for this test file; it is stopped after the file (and dies with the test process anyway). */
export async function startSitl(o: StartOptions): Promise<SitlVehicle> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `xuncha-sitl-${o.instance}-`));
  const v = await startArduPilotSitl({
    sitl: sitlBinary(),
    instance: INSTANCE_BASE + o.instance,
    home: o.home ?? DEMO_HOME,
    speedup: o.speedup ?? SPEEDUP,
    workDir,
    ...(o.params ? { params: o.params } : {}),
  });
  afterAll(async () => {
    await v.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  });
  if (o.bootParams) await configureSitlAndReboot(v.port, v.sysId, o.bootParams);
  return v;
}

/** Open a link to a SITL port and wait for its vehicle; closed after the file. */
export async function connect(url: string, opts: LinkOptions = {}): Promise<{ link: MavlinkLink; v: Vehicle }> {
  const link = await MavlinkLink.connect(url, opts);
  afterAll(() => link.close());
  return { link, v: await link.waitForVehicle({ deadlineMs: 30_000 }) };
}

/**
 * Arm once the EKF has settled: ArduPilot refuses with "PreArm: …" (temporarily_rejected / failed) until GPS and
 * EKF are ready, about 40 simulated seconds after boot.
 */
export async function armWhenReady(v: Vehicle, timeoutMs = 240_000): Promise<number> {
  return whenReady(() => v.action.arm({ deadlineMs: 10_000 }), timeoutMs);
}

/**
 * Repeats a vehicle command the autopilot refuses until it is ready (ArduCopter refuses arming, and GUIDED, until
 * its EKF has a position: tens of seconds after boot on a busy machine). Resolves with the number of tries.
 */
export async function whenReady(command: () => Promise<unknown>, timeoutMs = 240_000): Promise<number> {
  const started = Date.now();
  let tries = 0;
  for (;;) {
    tries++;
    try {
      await command();
      return tries;
    } catch (e) {
      if (!(e instanceof LinkError) || Date.now() - started > timeoutMs) throw e;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/** Resolve when `pred` holds, polling; rejects naming `what` (and `context()`, e.g. the vehicle's last words). */
export async function until(
  pred: () => boolean,
  timeoutMs: number,
  what: string,
  context: () => string = () => '',
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${context()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
