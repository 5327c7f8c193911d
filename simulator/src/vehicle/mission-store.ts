/**
 * Stored mission, fence and rally lists with each autopilot's upload semantics:
 * ArduPilot keeps home at mission seq 0 and writes items in place as they arrive (a failed upload
 * leaves a partial mission); PX4 has no home item and swaps the whole list in at the end.
 */
import { ARDUPILOT_MISSION_CAPACITY, arduPilotHomeItem } from './ardupilot-storage.ts';
import { MavMissionResult, MavMissionType } from './mav.ts';
import type { GeoPoint, MissionItemState, Personality } from './types.ts';

const MAX_ITEMS = 700;

function homeItem(home: GeoPoint | null): MissionItemState {
  return arduPilotHomeItem(home);
}

export class MissionStore {
  private readonly lists = new Map<number, MissionItemState[]>([
    [MavMissionType.MISSION, []],
    [MavMissionType.FENCE, []],
    [MavMissionType.RALLY, []],
  ]);
  private readonly pending = new Map<number, MissionItemState[]>();
  /** Bumped on every change, so the autopilot can notice. */
  version = 0;

  constructor(
    readonly personality: Personality,
    private readonly home: () => GeoPoint | null,
  ) {
    if (personality === 'ardupilot') this.list(MavMissionType.MISSION).push(homeItem(null));
  }

  /** Whether mission seq 0 is home (ArduPilot) rather than a real item. */
  homeAtZero(type: number): boolean {
    return this.personality === 'ardupilot' && type === MavMissionType.MISSION;
  }

  private list(type: number): MissionItemState[] {
    const l = this.lists.get(type);
    if (!l) throw new Error(`unknown mission type ${type}`);
    return l;
  }

  isKnownType(type: number): boolean {
    return this.lists.has(type);
  }

  count(type: number): number {
    return this.list(type).length;
  }

  /** Item as it reads back (ArduPilot mission seq 0 is the current home). */
  get(type: number, seq: number): MissionItemState | null {
    const l = this.list(type);
    const item = l[seq];
    if (!item) return null;
    if (seq === 0 && this.homeAtZero(type)) return homeItem(this.home());
    return { ...item, seq };
  }

  /** All items as they read back. */
  all(type: number): MissionItemState[] {
    const out: MissionItemState[] = [];
    for (let i = 0; i < this.count(type); i++) {
      const it = this.get(type, i);
      if (it) out.push(it);
    }
    return out;
  }

  /** Items for execution (raw, seq 0 placeholder included for ArduPilot). */
  raw(type: number): readonly MissionItemState[] {
    return this.list(type);
  }

  /** Most items a list of `type` holds (ArduPilot's mission: home included). */
  capacity(type: number): number {
    return this.homeAtZero(type) ? ARDUPILOT_MISSION_CAPACITY : MAX_ITEMS;
  }

  /** Starts an upload of `count` items; returns a MAV_MISSION_RESULT. */
  beginUpload(type: number, count: number): number {
    if (count > this.capacity(type)) return MavMissionResult.NO_SPACE;
    if (this.personality === 'px4') {
      this.pending.set(type, []);
      return MavMissionResult.ACCEPTED;
    }
    const l = this.list(type);
    if (l.length > count) l.length = count;
    if (this.homeAtZero(type) && l.length === 0) l.push(homeItem(null));
    this.version++;
    return MavMissionResult.ACCEPTED;
  }

  /** Stores one uploaded item (already validated); returns a MavMissionResult. */
  put(type: number, item: MissionItemState): number {
    const l = this.personality === 'px4' ? this.pending.get(type) : this.list(type);
    if (!l) return MavMissionResult.ERROR;
    // Whatever arrives at ArduPilot's seq 0 is ignored: it reads back as home.
    const stored = item.seq === 0 && this.homeAtZero(type) ? homeItem(null) : { ...item };
    if (item.seq < l.length) l[item.seq] = stored;
    else if (item.seq === l.length) l.push(stored);
    else return MavMissionResult.ERROR;
    this.version++;
    return MavMissionResult.ACCEPTED;
  }

  /** Ends an upload: PX4 swaps the new list in (only when complete); ArduPilot keeps what arrived. */
  endUpload(type: number, complete: boolean): void {
    const p = this.pending.get(type);
    this.pending.delete(type);
    if (this.personality === 'px4' && p && complete) {
      this.lists.set(type, p);
      this.version++;
    }
  }

  clear(type: number): void {
    const l = this.list(type);
    l.length = 0;
    if (this.homeAtZero(type)) l.push(homeItem(null));
    this.version++;
  }

  /** Number of real (non-home) mission items. */
  missionLength(): number {
    const n = this.count(MavMissionType.MISSION);
    return this.homeAtZero(MavMissionType.MISSION) ? Math.max(0, n - 1) : n;
  }
}
