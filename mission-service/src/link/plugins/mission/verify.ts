/**
 * Verification of an upload by reading the mission back: each item the vehicle holds is compared with what that
 * autopilot stores for the item we sent (vehicle-storage.ts), field by field, with stated tolerances:
 * integers exactly, floats as float32 (relative 1e-6), altitudes to 1 cm (ArduPilot keeps centimetres),
 * yaw angles to 0.001° on the circle. NaN equals only NaN.
 */
import type { Autopilot } from '../../core/autopilot.ts';
import { commandName } from '../../mavlink/enums.ts';
import { normalizeFrame, type MissionItem } from './mission-items.ts';
import { expectedOnVehicle, type FieldKind } from './vehicle-storage.ts';

export const FLOAT_RELATIVE_TOLERANCE = 1e-6;
export const ALTITUDE_TOLERANCE_M = 0.01;
export const ANGLE_TOLERANCE_DEG = 1e-3;

export type MismatchField =
  'count' | 'command' | 'frame' | 'x' | 'y' | 'z' | 'param1' | 'param2' | 'param3' | 'param4' | 'autocontinue';

/** The first difference between what was sent and what the vehicle holds. */
export interface ItemMismatch {
  /** Index in the caller's list (0 = the first item given to upload); −1 for a count difference. */
  index: number;
  /** Sequence number on the vehicle (ArduPilot's home is seq 0, so seq = index + 1 there). */
  seq: number;
  /** `MAV_CMD_…` name of the item sent. */
  command: string;
  field: MismatchField;
  sent: number;
  /** What this autopilot should hold for the value sent (differs from `sent` where it rounds or drops). */
  expected: number;
  held: number;
}

function closeFloat(a: number, b: number, kind: FieldKind): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  const fa = Math.fround(a);
  const fb = Math.fround(b);
  if (fa === fb) return true;
  switch (kind) {
    case 'int':
      return false;
    case 'alt':
      return Math.abs(fa - fb) <= ALTITUDE_TOLERANCE_M + 1e-4;
    case 'angle': {
      const d = Math.abs(((((fa - fb) % 360) + 540) % 360) - 180);
      return d <= ANGLE_TOLERANCE_DEG;
    }
    case 'float':
      return Math.abs(fa - fb) <= FLOAT_RELATIVE_TOLERANCE * Math.max(1, Math.abs(fa));
  }
}

/** First difference between one sent item and the item the vehicle holds, or undefined. */
export function itemMismatch(
  autopilot: Autopilot,
  sent: MissionItem,
  held: MissionItem,
  index: number,
  seq: number,
): ItemMismatch | undefined {
  const exp = expectedOnVehicle(autopilot, sent);
  const e = exp.item;
  const name = commandName(sent.command);
  const diff = (field: MismatchField, s: number, x: number, h: number): ItemMismatch => ({
    index,
    seq,
    command: name,
    field,
    sent: s,
    expected: x,
    held: h,
  });
  if (e.command !== held.command) return diff('command', sent.command, e.command, held.command);
  if (!exp.ignoreFrame && normalizeFrame(e.frame) !== normalizeFrame(held.frame))
    return diff('frame', sent.frame, e.frame, held.frame);
  if (e.x !== held.x) return diff('x', sent.x, e.x, held.x);
  if (e.y !== held.y) return diff('y', sent.y, e.y, held.y);
  if (!closeFloat(e.z, held.z, exp.kinds.z ?? 'float')) return diff('z', sent.z, e.z, held.z);
  for (const p of ['param1', 'param2', 'param3', 'param4'] as const) {
    if (!closeFloat(e[p], held[p], exp.kinds[p] ?? 'int')) return diff(p, sent[p], e[p], held[p]);
  }
  if ((e.autocontinue ? 1 : 0) !== (held.autocontinue ? 1 : 0))
    return diff('autocontinue', sent.autocontinue, e.autocontinue, held.autocontinue);
  return undefined;
}

/**
 * Compare the caller's items with what the vehicle holds (home already removed on ArduPilot; `seqOffset` says how
 * caller indexes map to vehicle seqs). Undefined when the vehicle holds the mission that was sent.
 */
export function findMismatch(
  autopilot: Autopilot,
  sent: readonly MissionItem[],
  held: readonly MissionItem[],
  seqOffset = 0,
): ItemMismatch | undefined {
  if (sent.length !== held.length) {
    return {
      index: -1,
      seq: -1,
      command: '',
      field: 'count',
      sent: sent.length,
      expected: sent.length,
      held: held.length,
    };
  }
  for (let i = 0; i < sent.length; i++) {
    const m = itemMismatch(autopilot, sent[i]!, held[i]!, i, i + seqOffset);
    if (m) return m;
  }
  return undefined;
}

const show = (v: number): string => (Number.isNaN(v) ? 'NaN' : String(Math.fround(v) === v ? v : Math.fround(v)));

/** One line a person can act on: which item, which field, what was sent, what the vehicle holds. */
export function describeMismatch(m: ItemMismatch): string {
  if (m.field === 'count') return `航点数量不符 / item count differs: sent ${m.sent}, vehicle holds ${m.held}`;
  const expected =
    Object.is(m.expected, m.sent) || (Number.isNaN(m.expected) && Number.isNaN(m.sent))
      ? ''
      : ` (this autopilot stores it as ${show(m.expected)})`;
  return (
    `航点 ${m.index}（${m.command}，飞控序号 ${m.seq}）的 ${m.field} 不一致：发送 ${show(m.sent)}，飞控保存 ${show(m.held)} / ` +
    `item ${m.index} (${m.command}, vehicle seq ${m.seq}) differs in ${m.field}: sent ${show(m.sent)}${expected}, vehicle holds ${show(m.held)}`
  );
}

/** Exact equality of two lists we built ourselves (NaN equal to NaN), for the skip-if-unchanged cache. */
export function sameItems(a: readonly MissionItem[], b: readonly MissionItem[]): boolean {
  if (a.length !== b.length) return false;
  const keys = ['frame', 'command', 'autocontinue', 'param1', 'param2', 'param3', 'param4', 'x', 'y', 'z'] as const;
  return a.every((it, i) => keys.every((k) => Object.is(it[k], b[i]![k])));
}
