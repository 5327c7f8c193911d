import { dist, endDirections, polylineLength, type Pt } from './geom.ts';
import type { Cell } from './lanes.ts';

/** A lane as flown: oriented polyline (photo part) of one area. */
export interface FlownLane {
  areaId: string;
  pts: Pt[];
}

/** Stage 3: the lanes of one cell in flying order for one of its four entries. */
function orientCell(cell: Cell, entry: number): FlownLane[] {
  const fromEnd = entry >= 2;
  const startReversed = entry % 2 === 1;
  const lanes = fromEnd ? [...cell.lanes].reverse() : cell.lanes;
  return lanes.map((l, i) => ({
    areaId: cell.areaId,
    pts: (i % 2 === 1) !== startReversed ? [...l].reverse() : [...l],
  }));
}

function entryPoint(cell: Cell, entry: number): Pt {
  const lane = entry >= 2 ? cell.lanes[cell.lanes.length - 1]! : cell.lanes[0]!;
  return entry % 2 === 1 ? lane[lane.length - 1]! : lane[0]!;
}

function exitPoint(cell: Cell, entry: number): Pt {
  const n = cell.lanes.length;
  const lastLane = entry >= 2 ? cell.lanes[0]! : cell.lanes[n - 1]!;
  // The last lane is reversed relative to the first when n is even.
  const reversed = (entry % 2 === 1) !== ((n - 1) % 2 === 1);
  return reversed ? lastLane[0]! : lastLane[lastLane.length - 1]!;
}

/**
 * Stage 3: orders cells greedily (nearest entry corner first) starting from `start`, choosing for each
 * cell which of its four corners to enter by. Returns the flown lanes in order.
 */
export function orderCells(cells: readonly Cell[], start: Pt): FlownLane[] {
  const remaining = cells.filter((c) => c.lanes.length > 0);
  const used = new Uint8Array(remaining.length);
  const out: FlownLane[] = [];
  let pos = start;
  for (let k = 0; k < remaining.length; k++) {
    let best = -1;
    let bestEntry = 0;
    let bestD = Infinity;
    for (let i = 0; i < remaining.length; i++) {
      if (used[i]) continue;
      const cell = remaining[i]!;
      for (let e = 0; e < 4; e++) {
        const d = dist(pos, entryPoint(cell, e));
        if (d < bestD - 1e-9) {
          bestD = d;
          best = i;
          bestEntry = e;
        }
      }
    }
    used[best] = 1;
    const cell = remaining[best]!;
    out.push(...orientCell(cell, bestEntry));
    pos = exitPoint(cell, bestEntry);
  }
  return out;
}

/** Estimated length and turn count of flying lanes in order with turnaround extensions of `marginM`. */
export function lanesCost(lanes: readonly FlownLane[], marginM: number): { lengthM: number; turns: number } {
  let lengthM = 0;
  for (let i = 0; i < lanes.length; i++) {
    const l = lanes[i]!;
    lengthM += polylineLength(l.pts) + 2 * marginM;
    const next = lanes[i + 1];
    if (next) {
      const a = l.pts[l.pts.length - 1]!;
      const da = endDirections(l.pts).end;
      const b = next.pts[0]!;
      const db = endDirections(next.pts).start;
      lengthM += dist(
        [a[0] + da[0] * marginM, a[1] + da[1] * marginM],
        [b[0] - db[0] * marginM, b[1] - db[1] * marginM],
      );
    }
  }
  return { lengthM, turns: Math.max(0, lanes.length - 1) };
}
