/**
 * A survey planned by `xuncha plan`, flown to completion by a real ArduCopter through the drone link: arm once the
 * EKF has settled, take off, reach every waypoint (with a pause and a resume on the way), trigger the camera by
 * distance (CAMERA_FEEDBACK, rendered by our camera on the second port), return, land and disarm. Then a second
 * flight started the way the service starts one (from AUTO, where the first landed) and aborted by RTL, and a third
 * started from RTL, where the second landed.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePlan, type Plan } from '../../geodata/src/index.ts';
import type { Vehicle } from '../../mission-service/src/link/core/vehicle.ts';
import { MavCmd } from '../../mission-service/src/link/mavlink/enums.ts';
import { common } from '../../mission-service/src/link/mavlink/messages.ts';
import type { CaptureInfo } from '../../mission-service/src/link/plugins/camera/camera.types.ts';
import type { MavlinkLink } from '../../mission-service/src/link/index.ts';
import { vehicleConnection } from '../../mission-service/src/drones/link-adapter.ts';
import { attachSitlCamera, type SitlCamera } from '../../simulator/src/runner/sitl-camera.ts';
import { repoRoot, type SitlVehicle } from '../../simulator/src/runner/ardupilot-sitl.ts';
import type { CameraCapture } from '../../simulator/src/vehicle/types.ts';
import { DEMO_HOME, armWhenReady, connect, startSitl, until, whenReady } from './support/sitl.ts';

/** A 150 m × 100 m field just north-east of home. */
function fieldGeoJson(): unknown {
  const { lat, lon } = DEMO_HOME;
  const dLat = 100 / 111_320;
  const dLon = 150 / (111_320 * Math.cos((lat * Math.PI) / 180));
  const [w, s] = [lon + 0.0003, lat + 0.0003];
  return {
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        properties: { id: 'sitl-field', kind: 'farmland' },
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [w, s],
              [w + dLon, s],
              [w + dLon, s + dLat],
              [w, s + dLat],
              [w, s],
            ],
          ],
        },
      },
    ],
  };
}

let sitl: SitlVehicle;
let v: Vehicle;
let link: MavlinkLink;
let plan: Plan;
let camera: SitlCamera;
const rendered: CameraCapture[] = [];
const captures: CaptureInfo[] = [];
const log: string[] = [];
const tail = (): string => log.slice(-15).join('\n');
const note = (line: string): void => {
  log.push(line);
  if (process.env.DEBUG_SITL) process.stdout.write(`${line}\n`);
};

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xuncha-sitl-plan-'));
  fs.writeFileSync(path.join(dir, 'areas.geojson'), JSON.stringify(fieldGeoJson()));
  const out = path.join(dir, 'plan.json');
  // The plan comes from the CLI exactly as an operator makes it.
  const r = spawnSync(
    process.execPath,
    [
      path.join(repoRoot, 'bin/xuncha.mjs'),
      'plan',
      '--areas',
      path.join(dir, 'areas.geojson'),
      '--pattern',
      'survey',
      '--camera',
      'm3e-wide',
      '--alt-agl',
      '40',
      '--speed',
      '10',
      '--launch',
      `${DEMO_HOME.lon},${DEMO_HOME.lat}`,
      '--out',
      out,
    ],
    { encoding: 'utf8' },
  );
  expect(r.status, r.stderr).toBe(0);
  plan = parsePlan(JSON.parse(fs.readFileSync(out, 'utf8')));
  // CAM1_TYPE is read at boot only: set it, one reboot. Servo camera = trigger by distance with CAMERA_FEEDBACK.
  sitl = await startSitl({ instance: 2, bootParams: { CAM1_TYPE: 1 } });
  camera = await attachSitlCamera({
    port: sitl.cameraPort,
    sysId: sitl.sysId,
    camera: async (c) => void rendered.push(c),
  });
  ({ link, v } = await connect(sitl.connection));
  v.camera.captures.subscribe((c) => captures.push(c));
  // What the vehicle said, for the failure message of any wait below.
  v.onMessage(common.StatusText, (m) => note(`text: ${m.text}`));
  v.telemetry.flightMode.subscribe((m) => note(`mode: ${m}`));
  v.mission.reached.subscribe((i) => note(`reached item ${i}`));
  if (process.env.DEBUG_SITL) {
    v.onMessage(common.MissionItemReached, (m) => note(`MISSION_ITEM_REACHED seq ${m.seq}`));
    let cur = -1;
    v.onMessage(common.MissionCurrent, (m) => {
      if (m.seq !== cur) note(`MISSION_CURRENT seq ${(cur = m.seq)} total ${m.total} state ${m.missionState}`);
    });
  }
  await v.telemetry.requestRates({ positionHz: 5, attitudeHz: 2, missionHz: 2 });
});
afterAll(() => camera?.close());

describe('a survey from `xuncha plan` on a real ArduCopter', () => {
  it('uploads, arms after the EKF settles, flies every waypoint with a pause, triggers the camera, lands and disarms', async () => {
    const sortie = plan.sorties[0]!;
    expect(plan.sorties).toHaveLength(1);
    const up = await v.mission.upload(sortie.items);
    expect(up.verified).toBe(true);
    // ArduCopter reports MISSION_ITEM_REACHED for each waypoint (and for some DO items), not for the takeoff.
    const waypoints = sortie.items.flatMap((it, i) => (it.command === MavCmd.NAV_WAYPOINT ? [i] : []));
    const reached: number[] = [];
    v.mission.reached.subscribe((i) => reached.push(i));

    await whenReady(() => v.action.setFlightMode('guided'));
    const tries = await armWhenReady(v);
    process.stdout.write(`armed after ${tries} tries\n`);
    note('arming done, starting');
    await v.mission.start({ deadlineMs: 20_000 });
    await v.telemetry.flightMode.waitFor((m) => m === 'mission', AbortSignal.timeout(20_000));

    // Pause after the third waypoint: the vehicle brakes to a hover, then resumes where it stopped.
    await until(() => reached.length >= 3, 120_000, 'third waypoint', tail);
    await v.mission.pause();
    await until(
      () => Math.hypot(v.telemetry.velocity.value!.northMps, v.telemetry.velocity.value!.eastMps) < 0.5,
      60_000,
      'hover',
      tail,
    );
    const heldAt = reached.length;
    await v.mission.continue();
    await until(() => reached.length > heldAt, 60_000, 'progress after resume', tail);

    // The rest of the survey, then the plan's RTL: landed and disarmed by the vehicle itself.
    await until(() => waypoints.every((i) => reached.includes(i)), 200_000, 'every waypoint', tail);
    await v.telemetry.armed.waitFor((a) => !a, AbortSignal.timeout(120_000));
    note('disarmed');
    const pos = v.telemetry.position.value!;
    expect(pos.altRelM).toBeLessThan(1);
    expect(Math.abs(pos.latDeg - DEMO_HOME.lat) * 111_320).toBeLessThan(5);

    // Camera: ArduPilot's trigger distance → CAMERA_FEEDBACK → one photo each, at the pose the vehicle reported.
    expect(captures.length).toBeGreaterThanOrEqual(Math.floor(sortie.photoCount * 0.8));
    await until(() => rendered.length === captures.length, 10_000, 'camera renders', tail);
    expect(camera.count).toBe(captures.length);
    for (const [i, c] of rendered.entries()) {
      const seen = captures[i]!;
      expect(c.lat).toBeCloseTo(seen.latDeg, 6);
      expect(c.altRelM).toBeGreaterThan(30);
    }
    process.stdout.write(
      `survey: ${reached.length} items reached, ${captures.length} photos (planned ${sortie.photoCount})\n`,
    );
  });

  it('starts the next flights as the service does, from AUTO and from RTL where the last ones landed; RTL aborts', async () => {
    // The service's drone connection (what a schedule's start calls), not hand-picked commands.
    const drone = vehicleConnection(link, v);
    const rtlHome = async () => {
      await v.action.returnToLaunch();
      await v.telemetry.flightMode.waitFor((m) => m === 'rtl', AbortSignal.timeout(10_000));
      await v.telemetry.armed.waitFor((a) => !a, AbortSignal.timeout(240_000));
      const pos = v.telemetry.position.value!;
      expect(Math.abs(pos.lonDeg - DEMO_HOME.lon) * 111_320 * Math.cos((DEMO_HOME.lat * Math.PI) / 180)).toBeLessThan(
        5,
      );
      expect(pos.altRelM).toBeLessThan(1);
    };
    // The first survey ended with its RTL item: landed and disarmed in AUTO, where ArduCopter will not arm.
    expect(v.telemetry.flightMode.value).toBe('mission');
    const reached: number[] = [];
    v.mission.reached.subscribe((i) => reached.push(i));
    await whenReady(() => drone.startMission(), 60_000);
    await v.telemetry.flightMode.waitFor((m) => m === 'mission', AbortSignal.timeout(20_000));
    await until(() => reached.length > 0, 90_000, 'first waypoint of the second flight', tail);
    await rtlHome();

    // Landed in RTL: the third start arms as well, takes off and flies the mission again.
    expect(v.telemetry.flightMode.value).toBe('rtl');
    await whenReady(() => drone.startMission(), 60_000);
    await v.telemetry.flightMode.waitFor((m) => m === 'mission', AbortSignal.timeout(20_000));
    await until(() => (v.telemetry.position.value?.altRelM ?? 0) > 10, 60_000, 'third take-off', tail);
    await rtlHome();
  });
});
