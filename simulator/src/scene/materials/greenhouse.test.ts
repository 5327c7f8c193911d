/**
 * Plastic tunnel greenhouses on vegetable plots (issue 15: a scene that reads as southern Chinese
 * countryside; bright, low-saturation film is a hard negative for smoke). Their layout keeps inside the
 * plot, the film stands at the heights its shadows are cast from, and it reads white from the air.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { galleryShader } from '../../dataset/gallery-shader.ts';
import { GROUND } from '../layers.ts';
import { Surface } from '../surface.ts';
import { filmCover, paintTunnels, tunnelHeight, tunnelRow } from './greenhouse.ts';

describe('tunnel greenhouses', () => {
  it('stand inside their plot, paths between them, as arches 6–8 m wide and 2.2–3 m high', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 3, max: 80, noNaN: true }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        (w, h) => {
          const row = tunnelRow(w, h);
          if (!row) {
            // None fits only where a plot is narrower than one tunnel and its paths.
            expect(w).toBeLessThan(2 * 1.2 + 8);
            return;
          }
          expect(row.widthM).toBeGreaterThanOrEqual(6);
          expect(row.widthM).toBeLessThanOrEqual(8);
          expect(row.heightM).toBeGreaterThanOrEqual(2.2);
          expect(row.heightM).toBeLessThanOrEqual(3);
          expect(row.start).toBeGreaterThanOrEqual(1.2 - 1e-9);
          expect(row.start + row.count * row.pitchM - (row.pitchM - row.widthM)).toBeLessThanOrEqual(w - 1.2 + 1e-9);
          // The crest of each tunnel is its height; paths between tunnels and the plot's ends are bare.
          for (let k = 0; k < row.count; k++) {
            const mid = row.start + k * row.pitchM + row.widthM / 2;
            expect(tunnelHeight(row, mid, 20, 40)).toBeCloseTo(row.heightM, 9);
            expect(tunnelHeight(row, mid + row.widthM / 2 + 0.01, 20, 40)).toBe(0);
            expect(tunnelHeight(row, mid, 0.5, 40)).toBe(0);
          }
        },
      ),
    );
  });

  it('rise toward their crest and fall beyond it', () => {
    const row = tunnelRow(30, 0.4)!;
    const slope = [0];
    const x0 = row.start;
    tunnelHeight(row, x0 + row.widthM * 0.25, 10, 40, slope);
    expect(slope[0]).toBeGreaterThan(0);
    tunnelHeight(row, x0 + row.widthM * 0.75, 10, 40, slope);
    expect(slope[0]).toBeLessThan(0);
    // The slope is the height's own derivative.
    const t = x0 + row.widthM * 0.3;
    tunnelHeight(row, t, 10, 40, slope);
    const num = (tunnelHeight(row, t + 1e-4, 10, 40) - tunnelHeight(row, t - 1e-4, 10, 40)) / 2e-4;
    expect(slope[0]).toBeCloseTo(num, 3);
  });

  it('are a coarse pixel’s share of film and path, lit by the arch’s mean slope under it', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0.3, max: 3, noNaN: true }),
        (h, gsd) => {
          const row = tunnelRow(60, h * 0.3);
          if (!row || row.count < 3) return;
          const gap = row.pitchM - row.widthM;
          // Centred on the path between the first two tunnels: film on both sides of it, by the share outside it.
          const mid = row.start + row.widthM + gap / 2;
          const s = new Surface();
          const film = paintTunnels(s, row, mid, 20, 40, 1, 0, gsd, 0.5);
          expect(film).toBeCloseTo(Math.max(0, 1 - gap / gsd), 9);
          // Over a whole pitch the shares average to the film's share of it.
          let sum = 0;
          for (let k = 0; k < 200; k++) sum += filmCover(row, row.start + row.pitchM * (1 + (k + 0.5) / 200), gsd);
          expect(sum / 200).toBeCloseTo(Math.min(1, row.widthM / row.pitchM), 1);
        },
      ),
    );
    // At a tunnel's edge a 2 cm pixel sees the film almost upright; a metre-wide one its mean slope.
    const row = tunnelRow(30, 0.4)!;
    const s = new Surface();
    paintTunnels(s, row, row.start + 0.01, 20, 40, 1, 0, 0.02, 0.5);
    expect(Math.abs(s.gx)).toBe(3);
    paintTunnels(s, row, row.start + 0.5, 20, 40, 1, 0, 1, 0.5);
    expect(Math.abs(s.gx)).toBeLessThan(2);
    expect(Math.abs(s.gx)).toBeCloseTo(tunnelHeight(row, row.start + 1, 20, 40), 9);
  });

  it('read white from the air and stand at the heights they are painted at, in a gallery scene', () => {
    const { sh, cx, cy } = galleryShader('ploughed_field', 'winter');
    const s = new Surface();
    let film = 0;
    let white = 0;
    let agree = 0;
    for (let y = cy - 150; y <= cy + 150; y += 0.5)
      for (let x = cx - 150; x <= cx + 150; x += 0.5) {
        if (sh.groundClassAt(x, y, 0.05) !== GROUND.farmland) continue;
        sh.surface(x, y, 0, 0, 0, 0.05, s);
        if (s.objH < 0.5 || s.objH > 3.01) continue;
        film++;
        const hi = Math.max(s.r, s.g, s.b);
        const lo = Math.min(s.r, s.g, s.b);
        if (hi > 0.55 && hi - lo < 0.15 * hi) white++;
        if (Math.abs(sh.objectHeight(x, y) - s.objH) < 0.05) agree++;
      }
    // Measured: 3,126 film samples (0.5 m apart) round the gallery's ploughed field, 0.91 of them white (the
    // rest under shade nets), 0.98 at their painted height (the plot edges wander with the footprint). Before:
    // no film at all.
    expect(film).toBeGreaterThan(500);
    expect(white / film).toBeGreaterThan(0.6);
    expect(agree / film).toBeGreaterThan(0.95);
  });
});
