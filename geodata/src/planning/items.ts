import type { AltitudeModel } from './altitude.ts';
import { dist, type Pt } from './geom.ts';
import { MAV_CMD, MAV_FRAME, makeItem, sequenceItems, type MissionItem } from './mavlink.ts';
import { lanePhotoPositions } from './photos.ts';
import type { RouteLeg } from './route.ts';

export interface ItemOptions {
  launch: Pt;
  speedMps: number;
  triggerM: number;
  trigger: 'distance' | 'waypoint';
  model: AltitudeModel;
  toLonLat(p: Pt): Pt;
}

/**
 * Stage 6 (mission items): one sortie's legs as MAVLink mission items: takeoff, speed, gimbal nadir,
 * waypoints (densified where the ground changes), camera trigger on/off around each lane, RTL.
 */
export function sortieItems(legs: readonly RouteLeg[], o: ItemOptions): MissionItem[] {
  const items: MissionItem[] = [];
  const frame = o.model.frame;
  const [lon0, lat0] = o.toLonLat(o.launch);
  items.push(
    makeItem({
      frame,
      command: MAV_CMD.NAV_TAKEOFF,
      params: [0, 0, 0, null],
      lat: lat0,
      lon: lon0,
      z: o.model.takeoffZ,
    }),
  );
  items.push(makeItem({ frame: MAV_FRAME.MISSION, command: MAV_CMD.DO_CHANGE_SPEED, params: [1, o.speedMps, -1, 0] }));
  // DO_MOUNT_CONTROL: pitch -90 (nadir); z carries MAV_MOUNT_MODE_MAVLINK_TARGETING (2).
  items.push(makeItem({ frame: MAV_FRAME.MISSION, command: MAV_CMD.DO_MOUNT_CONTROL, params: [-90, 0, 0, 0], z: 2 }));
  let last: Pt = o.launch;
  const wp = (p: Pt, z: number) => {
    const [lon, lat] = o.toLonLat(p);
    items.push(makeItem({ frame, command: MAV_CMD.NAV_WAYPOINT, params: [0, 0, 0, null], lat, lon, z }));
    last = p;
  };
  const cmd = (command: number, params: [number, number, number, number]) =>
    items.push(makeItem({ frame: MAV_FRAME.MISSION, command, params }));
  for (const leg of legs) {
    if (leg.kind === 'lane' && o.trigger === 'waypoint') {
      for (const ph of lanePhotoPositions(leg.pts, o.triggerM)) {
        wp(ph.p, o.model.zAt(ph.p));
        cmd(MAV_CMD.IMAGE_START_CAPTURE, [0, 0, 1, 0]);
      }
      continue;
    }
    const prof = o.model.profile(leg.pts);
    prof.pts.forEach((p, j) => {
      const isStart = j === 0;
      if (!(isStart && dist(p, last) < 0.05)) wp(p, prof.z[j]!);
      // Trigger on at the lane start (and one photo right away), off at its end (one last photo).
      if (leg.kind === 'lane' && isStart) cmd(MAV_CMD.DO_SET_CAM_TRIGG_DIST, [o.triggerM, 0, 1, 0]);
    });
    if (leg.kind === 'lane') cmd(MAV_CMD.DO_SET_CAM_TRIGG_DIST, [0, 0, 1, 0]);
  }
  items.push(makeItem({ frame: MAV_FRAME.MISSION, command: MAV_CMD.NAV_RETURN_TO_LAUNCH, params: [0, 0, 0, 0] }));
  return sequenceItems(items);
}
