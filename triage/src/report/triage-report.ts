/**
 * The JSON shape of triage results (what `xuncha triage --json` prints and an API may return).
 */
import type { LonLatPolygon } from '../georef/georeference.ts';
import type { Incident } from '../merge/incident-merger.ts';
import type { PhotoTriage } from '../pipeline/triage-photo.ts';

const r6 = (x: number): number => Math.round(x * 1e7) / 1e7;
const r2 = (x: number): number => Math.round(x * 100) / 100;

function roundPolygon(p: LonLatPolygon | null): LonLatPolygon | null {
  return p && { type: 'Polygon', coordinates: p.coordinates.map((ring) => ring.map(([lo, la]) => [r6(lo), r6(la)])) };
}

/** One photo as reported. */
export function photoReport(p: PhotoTriage): Record<string, unknown> {
  const cam = p.camera;
  const pose = cam?.pose ?? null;
  return {
    file: p.source,
    sha256: p.id,
    status: p.status,
    format: p.image?.format ?? null,
    widthPx: p.image?.widthPx ?? null,
    heightPx: p.image?.heightPx ?? null,
    takenAt: p.metadata?.takenAt ?? null,
    make: p.metadata?.make ?? null,
    model: p.metadata?.model ?? null,
    pose: pose
      ? {
          lon: r6(pose.lon),
          lat: r6(pose.lat),
          altAmslM: r2(pose.altAmslM),
          altRelM: cam!.altRelM,
          headingDeg: r2(pose.headingDeg),
          pitchDeg: r2(pose.pitchDeg),
          rollDeg: r2(pose.rollDeg),
          attitudeSource: p.metadata?.attitudeSource ?? 'none',
          sigma: cam!.sigma,
        }
      : null,
    camera: cam
      ? {
          focalLengthMm: cam.camera.focalLengthMm,
          sensorWidthMm: r2(cam.camera.sensorWidthMm),
          sensorHeightMm: r2(cam.camera.sensorHeightMm),
          sensorSource: cam.sensorSource,
        }
      : null,
    centerGround: p.ground.centerGround ? [r6(p.ground.centerGround.lon), r6(p.ground.centerGround.lat)] : null,
    centerErrorM: p.ground.centerGround ? r2(p.ground.centerGround.errorM) : null,
    footprint: roundPolygon(p.ground.footprint),
    footprintClipped: p.ground.footprintClipped,
    detections: p.detections.map((d) => ({
      class: d.cls,
      score: Math.round(d.score * 1000) / 1000,
      boxPx: { x: r2(d.box.x), y: r2(d.box.y), width: r2(d.box.width), height: r2(d.box.height) },
      ground: d.ground ? [r6(d.ground.lon), r6(d.ground.lat)] : null,
      groundAltAmslM: d.ground ? r2(d.ground.altAmslM) : null,
      errorM: d.ground ? r2(d.ground.errorM) : null,
      groundOutline: roundPolygon(d.groundOutline),
    })),
    issues: p.issues,
  };
}

/** One merged incident as reported (photos by file name). */
export function incidentReport(inc: Incident, photos: PhotoTriage[]): Record<string, unknown> {
  const name = new Map(photos.map((p) => [p.id, p.source]));
  return {
    id: inc.id,
    class: inc.cls,
    lonLat: [r6(inc.lon), r6(inc.lat)],
    errorM: r2(inc.errorM),
    score: Math.round(inc.score * 1000) / 1000,
    bestPhoto: name.get(inc.best.photoId) ?? inc.best.photoId,
    bestBoxPx: inc.best.box,
    photos: inc.photoIds.map((id) => name.get(id) ?? id),
    detections: inc.evidence.length,
  };
}
