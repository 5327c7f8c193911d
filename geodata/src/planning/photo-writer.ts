import type { Plan } from '../plan-schema.ts';
import type { AltitudeModel } from './altitude.ts';
import { FootprintChains } from './coverage.ts';
import type { Pt } from './geom.ts';
import { lanePhotoPositions } from './photos.ts';
import { fastInverseTo, type Projection } from './projection.ts';
import { roundTo } from './round.ts';

/** Compass heading (degrees clockwise from north) of a unit direction in the planning frame. */
function compassDeg(dir: Pt): number {
  const d = (Math.atan2(dir[0], dir[1]) * 180) / Math.PI;
  const r = d < 0 ? d + 360 : d;
  return r >= 360 ? 0 : r;
}

/**
 * Stage 7's photo output: each lane's distance-triggered photos published in WGS84 with their
 * ground footprints, and the metric footprints chained per area for the coverage measure. A class
 * with a per-lane method (rather than a loop inside the plan assembly) so the hot code is one
 * function the JIT compiles once and reuses for every lane of every plan.
 */
export class PhotoWriter {
  readonly photos: Plan['photos'] = [];
  /** Footprints chained into lane unions as they come: a plan need not hold every metric quad. */
  readonly chainsByArea = new Map<string, FootprintChains>();
  private readonly fast: (x: number, y: number, out: Float64Array) => void;
  private readonly ll = new Float64Array(2);

  constructor(
    proj: Projection,
    private readonly model: AltitudeModel,
    private readonly triggerM: number,
  ) {
    this.fast = fastInverseTo(proj);
  }

  private lonLat(p: Pt): Pt {
    this.fast(p[0], p[1], this.ll);
    return [roundTo(this.ll[0]!, 8), roundTo(this.ll[1]!, 8)];
  }

  /** Adds the photos of one lane leg (metres) flown in sortie `sortie`; returns their number. */
  lane(pts: readonly Pt[], areaId: string | undefined, sortie: number): number {
    const key = areaId ?? '';
    let chains = this.chainsByArea.get(key);
    if (!chains) this.chainsByArea.set(key, (chains = new FootprintChains()));
    let n = 0;
    for (const ph of lanePhotoPositions(pts, this.triggerM)) {
      const fp = this.model.footprint(ph.p, ph.dir);
      chains.add(fp);
      const [lon, lat] = this.lonLat(ph.p);
      const ring: Pt[] = [];
      for (const c of fp) ring.push(this.lonLat(c));
      ring.push([ring[0]![0], ring[0]![1]]);
      this.photos.push({
        lon,
        lat,
        altRel: roundTo(this.model.altRelAt(ph.p), 2),
        headingDeg: roundTo(compassDeg(ph.dir), 2),
        footprint: { type: 'Polygon', coordinates: [ring] },
        sortie,
        areaId: key,
      });
      n++;
    }
    return n;
  }
}
