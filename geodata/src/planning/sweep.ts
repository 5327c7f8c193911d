import { hypot2, type Poly } from './geom.ts';

/**
 * The lane-angle search's engine: strips laid across a polygon at one angle, their parts, the
 * boustrophedon cells and the flight-time estimate, all in reused flat buffers. The angle search
 * evaluates a few hundred angles per block and each evaluation used to build thousands of small
 * arrays and scan every edge for every strip; this sweeps strips upwards over edges sorted by
 * height and computes the same numbers (same formulas, same order of operations, same tie breaks
 * as the original per-strip scan `stripComponents` → `rotatedCells` → `cellsCostS`, which
 * sweep.test.ts checks) without allocating, so the search evaluates every candidate cheaply and
 * builds the full layout only for the winner.
 *
 * Buffers are module-level scratch: a layout is valid until the next `sweepLayout` call.
 */

/** A polygon's vertices and edges (vertex index pairs, ring by ring) in flat arrays. */
export interface PreparedPoly {
  readonly px: Float64Array;
  readonly py: Float64Array;
  readonly ea: Int32Array;
  readonly eb: Int32Array;
}

/** Flattens a polygon once for many angles. */
export function preparePoly(poly: Poly): PreparedPoly {
  let nv = 0;
  for (const r of poly) nv += r.length;
  const px = new Float64Array(nv);
  const py = new Float64Array(nv);
  const ea = new Int32Array(nv);
  const eb = new Int32Array(nv);
  let k = 0;
  for (const ring of poly) {
    const n = ring.length;
    for (let i = 0; i < n; i++) {
      const p = ring[i]!;
      px[k + i] = p[0];
      py[k + i] = p[1];
      ea[k + i] = k + i;
      eb[k + i] = k + ((i + 1) % n);
    }
    k += n;
  }
  return { px, py, ea, eb };
}

/** The cost parameters the estimate needs (see `CoverageCostParams`). */
export interface SweepCostParams {
  marginM: number;
  speedMps: number;
  turnPenaltyS: number;
}

// Rotated edges (x1, y1) → (x2, y2), their low/high y and the sweep order.
let ex1 = new Float64Array(64);
let ey1 = new Float64Array(64);
let ex2 = new Float64Array(64);
let ey2 = new Float64Array(64);
let eLow = new Float64Array(64);
let eHigh = new Float64Array(64);
let rx = new Float64Array(64);
let ry = new Float64Array(64);
let order = new Int32Array(64);
let active = new Int32Array(64);
let inStrip = new Int32Array(64);
let nActive = 0;
let nInStrip = 0;

// Output: strips (centre y, first part), parts (x0, x1, strip y) and cells (linked lists of parts).
let stripY = new Float64Array(64);
let stripStart = new Int32Array(65);
let compX0 = new Float64Array(256);
let compX1 = new Float64Array(256);
let compY = new Float64Array(256);
let compCell = new Int32Array(256);
let compNext = new Int32Array(256);
let compPrev = new Int32Array(256);
let cellFirst = new Int32Array(64);
let cellLast = new Int32Array(64);
let cellCount = new Int32Array(64);
let nStrips = 0;
let nComps = 0;
let nCells = 0;

function growEdges(n: number): void {
  if (n <= ex1.length) return;
  const m = Math.max(n, ex1.length * 2);
  ex1 = new Float64Array(m);
  ey1 = new Float64Array(m);
  ex2 = new Float64Array(m);
  ey2 = new Float64Array(m);
  eLow = new Float64Array(m);
  eHigh = new Float64Array(m);
  rx = new Float64Array(m);
  ry = new Float64Array(m);
  active = new Int32Array(m);
  inStrip = new Int32Array(m);
}

function growStrips(n: number): void {
  if (n <= stripY.length) return;
  const m = Math.max(n, stripY.length * 2);
  stripY = new Float64Array(m);
  stripStart = new Int32Array(m + 1);
}

function copyF(a: Float64Array, m: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(m);
  b.set(a);
  return b;
}

function copyI(a: Int32Array, m: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(m);
  b.set(a);
  return b;
}

function ensureComps(n: number): void {
  if (n <= compX0.length) return;
  const m = Math.max(n, compX0.length * 2);
  compX0 = copyF(compX0, m);
  compX1 = copyF(compX1, m);
  compY = copyF(compY, m);
  compCell = copyI(compCell, m);
  compNext = copyI(compNext, m);
  compPrev = copyI(compPrev, m);
}

function ensureCells(n: number): void {
  if (n <= cellFirst.length) return;
  const m = Math.max(n, cellFirst.length * 2);
  cellFirst = copyI(cellFirst, m);
  cellLast = copyI(cellLast, m);
  cellCount = copyI(cellCount, m);
}

function pushComp(x0: number, x1: number, y: number): void {
  ensureComps(nComps + 1);
  compX0[nComps] = x0;
  compX1[nComps] = x1;
  compY[nComps] = y;
  nComps++;
}

/** Sorts the parts [from, nComps) by x0, stably (they are nearly always sorted already). */
function sortCompsFrom(from: number): void {
  for (let a = from + 1; a < nComps; a++) {
    const x0 = compX0[a]!;
    const x1 = compX1[a]!;
    let b = a - 1;
    while (b >= from && compX0[b]! > x0) {
      compX0[b + 1] = compX0[b]!;
      compX1[b + 1] = compX1[b]!;
      b--;
    }
    compX0[b + 1] = x0;
    compX1[b + 1] = x1;
  }
}

let slabXm = new Float64Array(32);
let slabXb = new Float64Array(32);
let slabXt = new Float64Array(32);
let slabOrder = new Int32Array(32);

function growSlab(n: number): void {
  if (n <= slabXm.length) return;
  const m = n * 2;
  slabXm = new Float64Array(m);
  slabXb = new Float64Array(m);
  slabXt = new Float64Array(m);
  slabOrder = new Int32Array(m);
}

/** Crossings of the strip's edges at ym (with x at y0 and y1), ordered by x at ym, stably. */
function slabCrossings(y0: number, y1: number): number {
  const ym = (y0 + y1) / 2;
  growSlab(nInStrip);
  let n = 0;
  for (let q = 0; q < nInStrip; q++) {
    const e = inStrip[q]!;
    if (ey1[e]! <= ym !== ey2[e]! <= ym) {
      // x of the edge at ym, y0 and y1 (clamped to the edge), written out: this is the hottest loop.
      const ey = ey1[e]!;
      const x1 = ex1[e]!;
      const dx = ex2[e]! - x1;
      const dy = ey2[e]! - ey;
      if (Math.abs(dy) < 1e-12) {
        const x = Math.min(x1, ex2[e]!);
        slabXm[n] = x;
        slabXb[n] = x;
        slabXt[n] = x;
      } else {
        slabXm[n] = x1 + dx * Math.max(0, Math.min(1, (ym - ey) / dy));
        slabXb[n] = x1 + dx * Math.max(0, Math.min(1, (y0 - ey) / dy));
        slabXt[n] = x1 + dx * Math.max(0, Math.min(1, (y1 - ey) / dy));
      }
      let b = n - 1;
      while (b >= 0 && slabXm[slabOrder[b]!]! > slabXm[n]!) {
        slabOrder[b + 1] = slabOrder[b]!;
        b--;
      }
      slabOrder[b + 1] = n;
      n++;
    }
  }
  return n;
}

let trapLo = new Float64Array(64);
let trapHi = new Float64Array(64);
let trapBotL = new Float64Array(64);
let trapBotR = new Float64Array(64);
let trapTopL = new Float64Array(64);
let trapTopR = new Float64Array(64);
let trapParent = new Int32Array(64);
let rootComp = new Int32Array(64);

function growTraps(n: number): void {
  if (n <= trapLo.length) return;
  const m = Math.max(n, trapLo.length * 2);
  trapLo = copyF(trapLo, m);
  trapHi = copyF(trapHi, m);
  trapBotL = copyF(trapBotL, m);
  trapBotR = copyF(trapBotR, m);
  trapTopL = copyF(trapTopL, m);
  trapTopR = copyF(trapTopR, m);
  trapParent = copyI(trapParent, m);
  rootComp = copyI(rootComp, m);
}

function findRoot(i: number): number {
  while (trapParent[i] !== i) {
    trapParent[i] = trapParent[trapParent[i]!]!;
    i = trapParent[i]!;
  }
  return i;
}

let slabYs = new Float64Array(32);

/**
 * Appends the x-extents of the connected parts of (polygon ∩ strip [ya, yb]): the strip is cut
 * into slabs at vertex heights, each slab holds trapezoids between pairs of crossings, and
 * trapezoids touching across a slab boundary are joined (union-find). Parts narrower than 1 µm are
 * dropped; parts come sorted by x0.
 */
function stripParts(ya: number, yb: number, y: number): void {
  if (nInStrip === 0) return;
  const from = nComps;
  let interior = false;
  for (let q = 0; q < nInStrip; q++) {
    const e = inStrip[q]!;
    if (ey1[e]! > ya && ey1[e]! < yb) {
      interior = true;
      break;
    }
  }
  if (!interior) {
    if (!(yb - ya > 1e-9)) return;
    // One slab: each pair of crossings is one part.
    const n = slabCrossings(ya, yb);
    let sorted = true;
    for (let i = 0; i + 1 < n; i += 2) {
      const L = slabOrder[i]!;
      const R = slabOrder[i + 1]!;
      const lo = Math.min(slabXb[L]!, slabXt[L]!);
      const hi = Math.max(slabXb[R]!, slabXt[R]!);
      if (hi - lo > 1e-6) {
        if (nComps > from && lo < compX0[nComps - 1]!) sorted = false;
        pushComp(lo, hi, y);
      }
    }
    if (!sorted) sortCompsFrom(from);
    return;
  }
  // Slab boundaries: the strip's ends and the vertex heights inside it, sorted, near-equal merged.
  if (slabYs.length < nInStrip + 2) slabYs = new Float64Array(nInStrip * 2 + 2);
  slabYs[0] = ya;
  slabYs[1] = yb;
  let nys = 2;
  for (let q = 0; q < nInStrip; q++) {
    const v = ey1[inStrip[q]!]!;
    if (!(v > ya && v < yb)) continue;
    let b = nys - 1;
    while (b >= 0 && slabYs[b]! > v) {
      slabYs[b + 1] = slabYs[b]!;
      b--;
    }
    slabYs[b + 1] = v;
    nys++;
  }
  let nSlabYs = 0;
  for (let k = 0; k < nys; k++) {
    const v = slabYs[k]!;
    if (nSlabYs === 0 || v - slabYs[nSlabYs - 1]! > 1e-9) slabYs[nSlabYs++] = v;
  }
  let nTraps = 0;
  let prevStart = 0;
  let prevEnd = 0;
  for (let k = 0; k + 1 < nSlabYs; k++) {
    const y0 = slabYs[k]!;
    const y1 = slabYs[k + 1]!;
    const n = slabCrossings(y0, y1);
    const curStart = nTraps;
    growTraps(nTraps + (n >> 1));
    for (let i = 0; i + 1 < n; i += 2) {
      const L = slabOrder[i]!;
      const R = slabOrder[i + 1]!;
      const t = nTraps++;
      trapLo[t] = Math.min(slabXb[L]!, slabXt[L]!);
      trapHi[t] = Math.max(slabXb[R]!, slabXt[R]!);
      trapBotL[t] = slabXb[L]!;
      trapBotR[t] = slabXb[R]!;
      trapTopL[t] = slabXt[L]!;
      trapTopR[t] = slabXt[R]!;
      trapParent[t] = t;
      for (let p = prevStart; p < prevEnd; p++) {
        if (trapTopL[p]! <= trapBotR[t]! + 1e-6 && trapBotL[t]! <= trapTopR[p]! + 1e-6) {
          const ra = findRoot(p);
          const rb = findRoot(t);
          if (ra !== rb) trapParent[ra] = rb;
        }
      }
    }
    prevStart = curStart;
    prevEnd = nTraps;
  }
  // Parts in order of their first trapezoid, then the narrow ones dropped, then sorted by x0.
  rootComp.fill(-1, 0, nTraps);
  const first = nComps;
  for (let t = 0; t < nTraps; t++) {
    const r = findRoot(t);
    const ci = rootComp[r]!;
    if (ci >= 0) {
      compX0[ci] = Math.min(compX0[ci]!, trapLo[t]!);
      compX1[ci] = Math.max(compX1[ci]!, trapHi[t]!);
    } else {
      rootComp[r] = nComps;
      pushComp(trapLo[t]!, trapHi[t]!, y);
    }
  }
  let w = first;
  let sorted = true;
  for (let c = first; c < nComps; c++) {
    if (compX1[c]! - compX0[c]! > 1e-6) {
      if (w > first && compX0[c]! < compX0[w - 1]!) sorted = false;
      compX0[w] = compX0[c]!;
      compX1[w] = compX1[c]!;
      w++;
    }
  }
  nComps = w;
  if (!sorted) sortCompsFrom(from);
}

/**
 * Lays strips of width `spacingM` across the polygon at `angleRad` (lanes along +x after rotating
 * by −angle), finds each strip's parts, shortens each by `insetM` at both ends (never below a 1 m
 * lane at its middle) and groups them into boustrophedon cells. Strips are swept in order over
 * edges sorted by height, so each strip only looks at the edges that meet it.
 */
export function sweepLayout(prep: PreparedPoly, angleRad: number, spacingM: number, insetM: number): void {
  const c = Math.cos(angleRad);
  const s = Math.sin(angleRad);
  const nv = prep.px.length;
  growEdges(nv);
  let ymin = Infinity;
  let ymax = -Infinity;
  for (let v = 0; v < nv; v++) {
    const x = prep.px[v]!;
    const y = prep.py[v]!;
    rx[v] = x * c + y * s;
    ry[v] = -x * s + y * c;
  }
  for (let e = 0; e < nv; e++) {
    const a = prep.ea[e]!;
    const b = prep.eb[e]!;
    ex1[e] = rx[a]!;
    ey1[e] = ry[a]!;
    ex2[e] = rx[b]!;
    ey2[e] = ry[b]!;
    eLow[e] = Math.min(ey1[e]!, ey2[e]!);
    eHigh[e] = Math.max(ey1[e]!, ey2[e]!);
    if (ey1[e]! < ymin) ymin = ey1[e]!;
    if (ey1[e]! > ymax) ymax = ey1[e]!;
  }
  sortByLowY(nv);
  const h = ymax - ymin;
  const n = Math.max(1, Math.ceil(h / spacingM - 1e-9));
  const mid = (ymin + ymax) / 2;
  growStrips(n);
  nStrips = n;
  nComps = 0;
  nActive = 0;
  let next = 0;
  for (let i = 0; i < n; i++) {
    const y = mid + (i - (n - 1) / 2) * spacingM;
    const ya = Math.max(ymin, y - spacingM / 2);
    const yb = Math.min(ymax, y + spacingM / 2);
    stripY[i] = y;
    stripStart[i] = nComps;
    // Strips go up, so ya and yb only grow: edges enter once and leave once.
    while (next < nv && eLow[order[next]!]! < yb) active[nActive++] = order[next++]!;
    let w = 0;
    for (let q = 0; q < nActive; q++) {
      const k = active[q]!;
      if (eHigh[k]! > ya) active[w++] = k;
    }
    nActive = w;
    // Input order, so ties break as in a scan over all edges.
    nInStrip = 0;
    for (let q = 0; q < nActive; q++) {
      const k = active[q]!;
      let b = nInStrip - 1;
      while (b >= 0 && inStrip[b]! > k) {
        inStrip[b + 1] = inStrip[b]!;
        b--;
      }
      inStrip[b + 1] = k;
      nInStrip++;
    }
    const from = nComps;
    stripParts(ya, yb, y);
    for (let j = from; j < nComps; j++) {
      const x0 = compX0[j]!;
      const x1 = compX1[j]!;
      if (x1 - x0 - 2 * insetM >= 1) {
        compX0[j] = x0 + insetM;
        compX1[j] = x1 - insetM;
      } else {
        const half = (x0 + x1) / 2;
        compX0[j] = half - 0.5;
        compX1[j] = half + 0.5;
      }
    }
  }
  stripStart[n] = nComps;
  assignCells();
}

function byLowY(a: number, b: number): number {
  return eLow[a]! - eLow[b]! || a - b;
}

/** Edge indices by (low y, index): insertion sort for small polygons, no temporary arrays. */
function sortByLowY(nv: number): void {
  if (order.length < nv) order = new Int32Array(nv * 2);
  if (nv > 48) {
    const tmp = Array.from({ length: nv }, (_, i) => i).sort(byLowY);
    for (let i = 0; i < nv; i++) order[i] = tmp[i]!;
    return;
  }
  for (let i = 0; i < nv; i++) {
    const lo = eLow[i]!;
    let b = i - 1;
    // Stable: equal low y keeps index order, as the comparator's tie-break does.
    while (b >= 0 && eLow[order[b]!]! > lo) {
      order[b + 1] = order[b]!;
      b--;
    }
    order[b + 1] = i;
  }
}

/**
 * Boustrophedon cells: a part continues the cell of the part above it when it overlaps exactly one
 * part there and that part overlaps only it; otherwise a new cell starts.
 */
function assignCells(): void {
  nCells = 0;
  let ps = 0;
  let pe = 0;
  for (let i = 0; i < nStrips; i++) {
    const cs = stripStart[i]!;
    const ce = stripStart[i + 1]!;
    for (let j = cs; j < ce; j++) {
      let over = -1;
      let overCount = 0;
      for (let p = ps; p < pe; p++) {
        if (compX0[p]! <= compX1[j]! && compX0[j]! <= compX1[p]!) {
          over = p;
          overCount++;
        }
      }
      let cell = -1;
      if (overCount === 1) {
        let back = 0;
        for (let q = cs; q < ce; q++) if (compX0[over]! <= compX1[q]! && compX0[q]! <= compX1[over]!) back++;
        if (back === 1) cell = compCell[over]!;
      }
      if (cell < 0) {
        cell = nCells++;
        ensureCells(nCells);
        cellFirst[cell] = j;
        cellLast[cell] = -1;
        cellCount[cell] = 0;
      }
      const last = cellLast[cell]!;
      if (last >= 0) compNext[last] = j;
      compPrev[j] = last;
      compNext[j] = -1;
      cellLast[cell] = j;
      cellCount[cell]!++;
      compCell[j] = cell;
    }
    ps = cs;
    pe = ce;
  }
}

/**
 * Flight time (s) of the last layout's cells: one cell is flown back and forth; several are
 * ordered greedily (nearest entry corner first, ties to the first cell), as `cellsCostS` does.
 */
export function sweepCostS(p: SweepCostParams): number {
  if (nCells === 0) return 0;
  const m = p.marginM;
  if (nCells === 1) {
    let len = 0;
    let i = 0;
    for (let j = cellFirst[0]!; j >= 0; j = compNext[j]!, i++) {
      const y = compY[j]!;
      const x0 = compX0[j]!;
      const x1 = compX1[j]!;
      len += x1 - x0 + 2 * m;
      const nx = compNext[j]!;
      if (nx >= 0) {
        // Lane i ends at x1 (i even) or x0 (i odd), flying +x or -x.
        const endX = i % 2 === 0 ? x1 + m : x0 - m;
        const startX = i % 2 === 0 ? compX1[nx]! + m : compX0[nx]! - m;
        len += hypot2(endX - startX, compY[nx]! - y);
      }
    }
    return len / p.speedMps + (cellCount[0]! - 1) * p.turnPenaltyS;
  }
  return greedyCostS(p);
}

let cellUsed = new Uint8Array(64);

function greedyCostS(p: SweepCostParams): number {
  const m = p.marginM;
  if (cellUsed.length < nCells) cellUsed = new Uint8Array(nCells * 2);
  cellUsed.fill(0, 0, nCells);
  const f = cellFirst[0]!;
  let px = compX0[f]!;
  let py = compY[f]!;
  let lengthM = 0;
  let lanes = 0;
  let ax = 0;
  let ay = 0;
  for (let k = 0; k < nCells; k++) {
    let best = -1;
    let bestEntry = 0;
    let bestD = Infinity;
    for (let i = 0; i < nCells; i++) {
      if (cellUsed[i]) continue;
      for (let e = 0; e < 4; e++) {
        const lane = e >= 2 ? cellLast[i]! : cellFirst[i]!;
        const dx = (e % 2 === 1 ? compX1[lane]! : compX0[lane]!) - px;
        const dy = compY[lane]! - py;
        // The distance costs a square root; a corner no nearer than the best so far (within an ulp) cannot pass
        // the test below, so only near contenders pay for the exact distance.
        if (dx * dx + dy * dy >= bestD * bestD) continue;
        const d = hypot2(dx, dy);
        if (d < bestD - 1e-9) {
          bestD = d;
          best = i;
          bestEntry = e;
        }
      }
    }
    cellUsed[best] = 1;
    const fromEnd = bestEntry >= 2;
    let jIdx = 0;
    for (let lane = fromEnd ? cellLast[best]! : cellFirst[best]!; lane >= 0; jIdx++) {
      const rev = (jIdx % 2 === 1) !== (bestEntry % 2 === 1);
      const y = compY[lane]!;
      const xs = rev ? compX1[lane]! : compX0[lane]!;
      const xe = rev ? compX0[lane]! : compX1[lane]!;
      const l = Math.abs(xe - xs);
      // Unit direction as endDirections computes it: ±1 along x, none for a zero-length lane.
      const dir = l === 0 ? 0 : (xe - xs) / l;
      if (lanes > 0) lengthM += hypot2(xs - dir * m - ax, y - ay);
      lengthM += l + 2 * m;
      ax = xe + dir * m;
      ay = y;
      px = xe;
      py = y;
      lanes++;
      lane = fromEnd ? compPrev[lane]! : compNext[lane]!;
    }
  }
  return lengthM / p.speedMps + Math.max(0, lanes - 1) * p.turnPenaltyS;
}

/** The last layout's strips: centre y and part extents (rotated frame). */
export function sweepStrips(): Array<{ y: number; comps: Array<[number, number]> }> {
  const out: Array<{ y: number; comps: Array<[number, number]> }> = [];
  for (let i = 0; i < nStrips; i++) {
    const comps: Array<[number, number]> = [];
    for (let j = stripStart[i]!; j < stripStart[i + 1]!; j++) comps.push([compX0[j]!, compX1[j]!]);
    out.push({ y: stripY[i]!, comps });
  }
  return out;
}

/** The last layout's cells as lanes [y, x0, x1] (rotated frame). */
export function sweepCells(): Array<Array<[number, number, number]>> {
  const out: Array<Array<[number, number, number]>> = [];
  for (let c = 0; c < nCells; c++) {
    const lanes: Array<[number, number, number]> = [];
    for (let j = cellFirst[c]!; j >= 0; j = compNext[j]!) lanes.push([compY[j]!, compX0[j]!, compX1[j]!]);
    out.push(lanes);
  }
  return out;
}
