/**
 * Colour of the world along one camera ray. For a ground point the shader works out the surface
 * (ground class from the layers → material, then planted incidents and hard negatives over it), the
 * sunlight it gets (terrain and surface slope, shadows of trees and houses, cloud shadows, overcast
 * sky light), mirror reflections on water and wet ground, then haze and low mist along the ray.
 * Above the horizon it gives the sky (gradient, sun glow, clouds). Smoke, dust and mist banks are
 * volumes (volumes.ts) the renderer composites on top.
 * All textures are functions of scene-frame ground position and the scene seed.
 */
import { HARD_NEGATIVE_KINDS, type HardNegativeKind } from './distractor-schema.ts';
import type { IncidentShape } from './incident-shape.ts';
import { GROUND, type SceneFeature } from './layers.ts';
import { hash2 } from './noise.ts';
import { CROP, drawLook, type CropState, type RGB, type SceneLook } from './look.ts';
import {
  burnsPlot,
  DISCHARGE_COLOURS,
  inBurnReach,
  paintBurn,
  paintOutfall,
  type PreparedIncident,
} from './materials/incidents.ts';
import { SOIL_COLOURS, drawSlopeForm, paintSlope, slopeOutline } from './materials/exposed-slope.ts';
import { drawPatchLook, insidePatch, patchHeight, shadePatch, type PatchLook } from './materials/built-and-dark.ts';
import {
  farmlandHeight,
  pixelPlot,
  plotGrid,
  shadeFarmland,
  type PixelPlot,
  type PlotGrid,
} from './materials/fields.ts';
import { canopyHeight, forestHeight, shadeBamboo, shadeForest, shadeTea } from './materials/vegetation.ts';
import {
  houseRoofHeight,
  lotAt,
  shadeVillage,
  shadeVillageCrownOver,
  villageCrownOver,
  villageCrownSeenAt,
  villageTreeHeight,
} from './materials/village.ts';
import { shadeBank, shadeRoad, shadeTrack, shadeWater } from './materials/water-and-built.ts';
import { bankHeight, planStream, shadeStream, streamEdgeDistance, streamReachM } from './materials/stream.ts';
import type { StreamCourse } from './materials/stream.ts';
import { paintVehicle, vehicleHeight } from './materials/vehicle.ts';
import {
  burnPlace,
  crewHeight,
  crewSunShare,
  paintCrew,
  planCrew,
  type BurnCrew,
  type ViewToward,
} from './materials/burn-crew.ts';
import {
  APRON_M,
  inApron,
  shadeConstruction,
  shadeSiteApron,
  siteBuiltHeight,
  siteHeight,
  sitePlan,
  type SitePlan,
} from './materials/construction.ts';
import { Rng, mixSeed } from './random.ts';
import { LEVEL_CELL_M, levelForGsd, type GroundTile } from './raster.ts';
import { BLEND_CELL_PX, RasterMemo, edgeWarp, lookupBlended, lookupCell } from './raster-lookup.ts';
import type { DistractorShape, Scene } from './scene.ts';
import { smooth, type Surface } from './surface.ts';
import {
  canopyTexture,
  detail4Texture,
  noiseTexture,
  samplePacked,
  sampleTex,
  type CanopyTexture,
  type Detail4,
  type MipTexture,
  type PackedTexture,
} from './textures.ts';
import { MAX_OBJECT_H_M, SHADOW_CELL_M, SunShadowMask } from './sun-shadow-mask.ts';
import { withBox, type Volume } from './volumes.ts';

const DEG = Math.PI / 180;

/** Mean albedo of the ground around houses (soil, grass, paving): what lights the shade side of walls. */
const GROUND_ALBEDO: RGB = [0.34, 0.31, 0.25];

/** Dense straw smoke near the source, by the incident's smoke colour: grey-brown to yellow-brown. */
const SMOKE_CORE: Record<string, RGB> = {
  white: [0.8, 0.76, 0.66],
  grey: [0.58, 0.55, 0.49],
  brown: [0.56, 0.46, 0.32],
  dark: [0.34, 0.31, 0.27],
};
/** Lightness of the thin haze downwind, by smoke colour (it turns bluish-white to grey). */
const SMOKE_HAZE: Record<string, number> = { white: 0.9, grey: 0.8, brown: 0.78, dark: 0.62 };
/** Metres per texel of the cloud layer's larger octave: cumulus a few hundred metres to kilometres across. */
const CLOUD_TEXEL_M = 8;
/** Crowns at least this tall (m) stand up for camera rays (treeHeight); lower things stay painted on the ground. */
const TREE_MIN_M = 2;

/**
 * Width of a glossy glint's lobe (cosine power of the angle between the normal and the half vector): narrow
 * enough that the glint falls on the leaf clumps turned toward it, not on whole crowns.
 */
const GLOSS_LOBE = 32;
/** Clear-sky fill smoke is lit with (volumeLight), relative to the sun: the ground's before renderer 9. */
const VOLUME_FILL = 0.42;
/** How white the sky light turns under the thickest haze (0: a clear sky's blue, 1: overcast white). */
const HAZE_WHITE_SKY = 0.7;
/** displayGain's table: light 0..DISPLAY_GAIN_MAX in DISPLAY_GAIN_STEPS steps. */
const DISPLAY_GAIN_MAX = 4;
const DISPLAY_GAIN_STEPS = 4096;
const DISPLAY_GAIN = new Float64Array(DISPLAY_GAIN_STEPS + 2);
for (let i = 0; i <= DISPLAY_GAIN_STEPS + 1; i++)
  DISPLAY_GAIN[i] = Math.pow((i * DISPLAY_GAIN_MAX) / DISPLAY_GAIN_STEPS, 1 / 2.2);

/** What a linear light level does to a display-encoded colour: light^(1/2.2), from a table (hot path). */
export function displayGain(light: number): number {
  if (!(light > 0)) return 0;
  const x = (Math.min(light, DISPLAY_GAIN_MAX) * DISPLAY_GAIN_STEPS) / DISPLAY_GAIN_MAX;
  const i = x | 0;
  const a = DISPLAY_GAIN[i]!;
  return a + (DISPLAY_GAIN[i + 1]! - a) * (x - i);
}

/** The ground a site's muddy apron is drawn over: fields, tracks and roads, not trees, houses or water. */
const apronCovers = (cls: number): boolean =>
  cls === GROUND.farmland || cls === GROUND.background || cls === GROUND.track || cls === GROUND.road;

/**
 * Where a planted stream is drawn (`edge` from streamEdgeDistance, NaN off it): its water anywhere, its banks
 * off the river.
 */
const streamCovers = (edge: number, cls: number): boolean => edge < 0 || (edge >= 0 && cls !== GROUND.water);

interface FieldForce {
  x: number;
  y: number;
  sinH: number;
  cosH: number;
  hl: number;
  hw: number;
  state: CropState;
}

/** A ground-level hard negative prepared for per-pixel tests (construction, stream, vehicle, shadow). */
interface PreparedDistractor {
  d: DistractorShape;
  sinH: number;
  cosH: number;
  boundM: number;
  salt: number;
  /** Look of a dark forest, town or dirt-lane patch, drawn once from the salt. */
  look?: PatchLook;
  /** A construction site's plan, drawn once from the salt. */
  site?: SitePlan;
  /** A planted stream's course, drawn once from the salt. */
  stream?: StreamCourse;
}

export class Shader {
  readonly look: SceneLook;
  readonly seed: number;
  readonly noise: MipTexture;
  /** Scratch for canopy samples (height, normal x, normal y; the fourth channel is unused). */
  readonly hn = new Float64Array(4);
  readonly detail4: PackedTexture;
  /** Whether the last surface was a gap between crowns (shadeCanopy drew none there, among trees). */
  canopyGap = false;
  /** Centre of the last crown shadeCanopy drew or canopyHeight found (scene frame). */
  crownX = 0;
  crownY = 0;
  /** Whether any hard negative forces a crop state (skip the test otherwise). */
  hasForcedCrops = false;
  /** The plot the pixel being shaded lies in (written by the farmland shader, read by a straw burn). */
  readonly pixelPlot = pixelPlot();
  readonly canopy: CanopyTexture;
  readonly canopyOffU: number;
  readonly canopyOffV: number;
  readonly incidents: PreparedIncident[];
  /** Incidents that clear the ground of trees (exposed slopes), for shadow tests. */
  private readonly clearings: PreparedIncident[];
  /** Straw burns, whose plots are stubble. */
  private readonly burns: PreparedIncident[];
  /** The people and trucks beside the burns (burn-crew.ts). */
  readonly crews: BurnCrew[];
  readonly volumes: Volume[];
  /** Wind ripple strength on water, 0..1. */
  readonly ripple: number;
  // Sun and sky light.
  readonly sunX: number;
  readonly sunY: number;
  /** The sun's way across the ground (unit, east and north). */
  private readonly sunUx: number;
  private readonly sunUy: number;
  readonly sunZ: number;
  readonly tanSun: number;
  readonly sunCol: RGB;
  readonly skyCol: RGB;
  readonly direct: number;
  readonly ambient: number;
  private readonly norm: number;
  /** Light the sunlit ground bounces onto a wall facing it (Surface.bounce), per channel. */
  readonly bounceCol: RGB;
  /** Per-channel 1 / exposure of a lit white ground, the camera's white balance (see the constructor). */
  private readonly balance: RGB;
  readonly overcast: number;
  readonly hazeColour: RGB;
  readonly haze: number;
  private readonly visibilityM: number;
  private readonly zenith: RGB;
  private readonly cloudCover: number;
  private readonly mist: number;
  private readonly mistTopM: number;
  private readonly noiseOff: Float64Array;
  private readonly fieldForces: FieldForce[] = [];
  private readonly grounds: PreparedDistractor[] = [];
  private readonly shadows: PreparedDistractor[] = [];
  /** Ground patches with trees or houses (their heights cast shadows). */
  private readonly patches: PreparedDistractor[] = [];
  /**
   * Ground hard negatives that replace what stands below them (patches, construction sites, streams,
   * vehicles), in paint order: the shadow heights follow the one painted on top (see objectHeight).
   */
  private readonly overlays: PreparedDistractor[] = [];
  /** Whether any overlay is a site, a stream or a vehicle (else the patches alone decide, as they always did). */
  private hasFlatOverlays = false;
  private readonly grids = new Map<number, PlotGrid>();
  private readonly bgGrid: PlotGrid;
  private readonly memo = new RasterMemo();
  private readonly blendOut = { aux: 0 };
  private readonly memo2 = new RasterMemo();
  /** Index + 1 of each hard-negative kind (for Surface.tag). */
  static readonly tagOf: Record<HardNegativeKind, number> = Object.fromEntries(
    HARD_NEGATIVE_KINDS.map((k, i) => [k, i + 1]),
  ) as Record<HardNegativeKind, number>;

  constructor(
    private readonly scene: Scene,
    shapes: readonly IncidentShape[],
    /** Ground elevation at a scene-frame point (plume bases, mist). */
    groundZ: (x: number, y: number) => number,
  ) {
    const w = scene.weather;
    this.seed = scene.seed;
    this.look = drawLook(scene.seed, w.season);
    this.noise = noiseTexture();
    this.detail4 = detail4Texture();
    this.canopy = canopyTexture();
    const rng = new Rng(mixSeed(scene.seed, 0x5ead));
    this.canopyOffU = rng.range(0, 1024);
    this.canopyOffV = rng.range(0, 1024);
    this.noiseOff = new Float64Array(256);
    for (let i = 0; i < 256; i++) this.noiseOff[i] = rng.range(0, 512);

    const el = Math.max(1, w.sunElevationDeg) * DEG;
    const az = w.sunAzimuthDeg * DEG;
    this.sunX = Math.cos(el) * Math.sin(az);
    this.sunY = Math.cos(el) * Math.cos(az);
    const across = Math.hypot(this.sunX, this.sunY) || 1;
    this.sunUx = this.sunX / across;
    this.sunUy = this.sunY / across;
    this.sunZ = Math.sin(el);
    this.tanSun = Math.tan(el);
    this.shadowMask = new SunShadowMask(
      (x, y) => this.objectHeight(x, y),
      this.sunX,
      this.sunY,
      this.tanSun,
      () => this.objectBaseM,
    );
    this.overcast = w.overcast ?? 0;
    this.haze = w.haze;
    this.cloudCover = w.clouds ?? 0;
    this.mist = w.mist ?? 0;
    const warm = smooth(30, 3, w.sunElevationDeg);
    this.sunCol = [1, 0.95 - 0.15 * warm, 0.88 - 0.35 * warm];
    const o = this.overcast;
    // Clear-sky light is blue (shade under trees reads blue-grey in real photos: B/R ≈ 1.8 in SOAP_031's tree
    // shadows, 1.25 here with a near-white sky); cloud light is white. Linear light: in display values
    // (light^(1/2.2), see displayGain) a sky three times as blue as red shades a grey ground B/R ≈ 1.6.
    // Haze whitens it too: thick haze scatters all colours alike (a pale, milky sky), so shade on a hazy day is
    // grey, not the blue of a clear day's (a slide in a hazy winter valley came out slate-blue).
    const white = Math.max(o, HAZE_WHITE_SKY * smooth(0.2, 0.8, w.haze));
    this.skyCol = [0.3 + 0.7 * white, 0.6 + 0.38 * white, 1];
    // Direct sun weakens under cloud and haze and near the horizon; sky light grows under cloud. A clear
    // sky gives flat shade about a fifth of the luminance of flat sunlit ground at a 50° sun (on clear days
    // the sky's diffuse light is a tenth to a quarter of the whole), a bit under half its display level.
    this.direct = (1 - 0.92 * o) * (1 - 0.35 * w.haze) * smooth(-2, 12, w.sunElevationDeg);
    this.ambient = 0.26 + 0.61 * o + 0.1 * w.haze;
    const lit = this.direct * Math.max(0.2, this.sunZ);
    this.norm = this.ambient + lit;
    // Light the ground bounces sideways: what falls on it (sun and sky) times a warm-grey mean albedo,
    // half of a wall's view being ground. It keeps the shade side of a house warm grey, not sky blue.
    const onGround = this.direct * Math.max(0, this.sunZ);
    const bounce = (c: 0 | 1 | 2) =>
      0.5 * GROUND_ALBEDO[c] * (onGround * this.sunCol[c] + this.ambient * this.skyCol[c]);
    this.bounceCol = [bounce(0), bounce(1), bounce(2)];
    // White balance: a lit white ground keeps the colour it had under the near-white sky the looks were tuned
    // on ([0.8, 0.88, 1] clear), so only the shade turns blue (the sun's own colour, warmer when low, is kept).
    const tuned: RGB = [0.8 + 0.2 * white, 0.88 + 0.1 * white, 1];
    const gain = (c: 0 | 1 | 2) =>
      (lit * this.sunCol[c] + this.ambient * tuned[c]) / (lit * this.sunCol[c] + this.ambient * this.skyCol[c]);
    this.balance = [gain(0), gain(1), gain(2)];
    this.visibilityM = 35000 * Math.exp(-3.2 * w.haze) * (1 - 0.3 * o);
    this.hazeColour = [
      0.74 + 0.08 * w.haze + 0.06 * o + 0.06 * warm,
      0.79 + 0.04 * w.haze + 0.04 * o,
      0.87 - 0.07 * w.haze - 0.03 * o - 0.08 * warm,
    ];
    this.zenith = [0.3 + 0.35 * w.haze + 0.45 * o, 0.5 + 0.22 * w.haze + 0.3 * o, 0.86 - 0.02 * w.haze - 0.04 * o];
    this.ripple = Math.min(1, 0.2 + (w.windMps ?? 2) / 6);
    this.bgGrid = plotGrid(this, undefined);

    const lookRng = new Rng(mixSeed(scene.seed, 0x1c1d));
    // Where the wind carries smoke (clockwise from north): the plumes' way, and the crews keep out of it.
    const downwind = ((w.windDirDeg ?? 0) + 180) * DEG;
    this.incidents = shapes.map((shape, index) => {
      const [cx, cy] = scene.frame.toLocal(shape.lon, shape.lat);
      const bound =
        shape.shape === 'disc'
          ? shape.radiusM
          : shape.shape === 'rect'
            ? Math.hypot(shape.lengthM, shape.widthM) / 2
            : shape.lengthM + shape.widthM + 2;
      const inc = scene.incidents.find((i) => i.shape === shape)?.incident;
      const r = lookRng.fork(index);
      const soil = inc?.soil ?? r.weighted({ red: 0.45, ochre: 0.2, tan: 0.15, yellow: 0.15, grey: 0.05 });
      const discharge = inc?.discharge ?? r.weighted({ grey: 0.35, black: 0.2, milky: 0.2, foam: 0.1, brown: 0.15 });
      // Drawn in this order since before the slope forms: another order changes every incident's look
      // (a fire's scar age among them).
      const scarAge = inc?.scarAge ?? r.next();
      const terraced = inc?.terraced ?? r.chance(0.3);
      return {
        index,
        shape,
        cx,
        cy,
        sinH: Math.sin(shape.headingDeg * DEG),
        cosH: Math.cos(shape.headingDeg * DEG),
        boundM: bound * 1.35 + 3,
        seed: (this.seed * 31 + index * 977 + 13) | 0,
        scarAge,
        soil: SOIL_COLOURS[soil] as RGB,
        terraced,
        benchM: r.range(2.5, 5),
        rillM: r.range(1.2, 3.5),
        culvert: inc?.culvert ?? (r.chance(0.6) ? 'round' : 'box'),
        pipeM: 0.3 + 0.5 * shape.intensity * r.range(0.6, 1.2),
        discharge: DISCHARGE_COLOURS[discharge] as RGB,
        foam: discharge === 'foam' || r.chance(0.25),
        // From a fork of its own, so the draws above (and the other classes' looks) stay as they were.
        slope:
          shape.cls === 'exposed_slope'
            ? drawSlopeForm(r.fork(0x51), SOIL_COLOURS[soil] as RGB, terraced, shape.lengthM, shape.widthM)
            : null,
        crew: shape.cls === 'straw_burning' ? planCrew(r.fork(0xc2e), burnPlace(shape, cx, cy, downwind)) : null,
      };
    });

    this.clearings = this.incidents.filter((p) => p.shape.cls === 'exposed_slope');
    this.burns = this.incidents.filter((p) => p.shape.cls === 'straw_burning');
    this.crews = this.burns.flatMap((p) => (p.crew ? [p.crew] : []));
    const wx = Math.sin(downwind);
    const wy = Math.cos(downwind);
    const windMps = Math.max(0.3, w.windMps ?? 2);
    const volumes: Volume[] = [];
    for (const p of this.incidents) {
      const shape = p.shape;
      if (shape.cls !== 'straw_burning' || shape.intensity <= 0.05) continue;
      const inc = scene.incidents.find((i) => i.shape === shape)?.incident;
      const r = lookRng.fork(100 + p.index);
      const size = shape.shape === 'disc' ? shape.radiusM : Math.min(shape.lengthM, shape.widthM) / 2;
      const I = shape.intensity;
      // The front is on the downwind edge of the scar; smoke leaves along it.
      const sx = p.cx + wx * size * 0.85;
      const sy = p.cy + wy * size * 0.85;
      const smoke = inc?.smoke ?? r.weighted({ white: 0.35, grey: 0.35, brown: 0.15, dark: 0.15 });
      const ceil = (15 + 90 * I) * r.range(0.7, 1.3);
      const sigmaQ0 = Math.max(1.2, size * r.range(0.2, 0.4));
      const growth = r.range(0.08, 0.16);
      const rise = (2.5 * r.range(0.6, 1.4)) / windMps;
      const lengthM = (50 + 260 * I) * r.range(0.7, 1.3);
      const beta = (0.15 + 0.5 * I) * r.range(0.6, 1.4);
      // Appearance, drawn after the geometry so a seed keeps its plume's shape: the core's tint
      // (lighter or darker, more or less yellow), the haze's lightness and blueness, glow, break-up.
      const tone = r.range(0.88, 1.1);
      const yellow = r.range(0, 0.06);
      const c = SMOKE_CORE[smoke] as RGB;
      const core: RGB = [
        Math.min(0.95, c[0] * tone + yellow),
        Math.min(0.95, c[1] * tone + yellow * 0.6),
        Math.min(0.95, c[2] * tone - yellow * 0.5),
      ];
      const hl = (SMOKE_HAZE[smoke] as number) * r.range(0.92, 1.06);
      const blue = r.range(0.02, 0.07);
      volumes.push(
        withBox({
          kind: 'fire',
          incident: p.index + 1,
          tag: null,
          sx,
          sy,
          sz: groundZ(sx, sy),
          wx,
          wy,
          sigmaQ0,
          sigmaZ0: Math.max(1, 0.8 + 2 * I),
          growth,
          ceilM: ceil,
          rise,
          lengthM,
          beta,
          colour: [Math.min(0.95, hl - blue), Math.min(0.95, hl - blue * 0.4), Math.min(0.97, hl + blue)],
          coreColour: core,
          ageM: lengthM * r.range(0.15, 0.4),
          glow: I * r.range(0.2, 0.55),
          glowColour: [1, r.range(0.4, 0.55), r.range(0.1, 0.2)],
          breakup: r.range(0.3, 1),
          darkening: smoke === 'white' ? 0.3 : smoke === 'dark' ? 0.6 : 0.45,
          columnM: Math.max(12, size * 1.2),
          seed: p.seed + 8,
        }),
      );
    }

    const drng = new Rng(mixSeed(scene.seed, 0xd157));
    scene.distractors.forEach((d, i) => {
      const sinH = Math.sin(d.headingDeg * DEG);
      const cosH = Math.cos(d.headingDeg * DEG);
      const prep: PreparedDistractor = {
        d,
        sinH,
        cosH,
        boundM: Math.hypot(d.lengthM, d.widthM) / 2 + d.radiusM + 4,
        salt: (this.seed * 17 + i * 131 + 7) | 0,
      };
      const z = groundZ(d.x, d.y);
      switch (d.kind) {
        case 'wet_field':
        case 'stubble_field':
        case 'ploughed_field':
          this.fieldForces.push({
            x: d.x,
            y: d.y,
            sinH,
            cosH,
            hl: d.lengthM / 2,
            hw: d.widthM / 2,
            state: d.kind === 'wet_field' ? CROP.wet_soil : d.kind === 'stubble_field' ? CROP.stubble : CROP.ploughed,
          });
          this.hasForcedCrops = true;
          break;
        case 'construction_site':
          prep.site = sitePlan(this, prep.salt, d.lengthM, d.widthM);
          prep.boundM += APRON_M;
          this.grounds.push(prep);
          this.overlays.push(prep);
          this.hasFlatOverlays = true;
          break;
        case 'clean_tributary':
          prep.stream = planStream(prep.salt, d.lengthM, d.widthM);
          // It runs from its anchor, not about it: the bound reaches its head and its meanders.
          prep.boundM = d.lengthM + streamReachM(prep.stream) + 2;
          this.grounds.push(prep);
          this.overlays.push(prep);
          this.hasFlatOverlays = true;
          break;
        case 'dark_forest':
        case 'town_roofs':
        case 'dirt_lanes':
        case 'sparse_canopy':
        case 'dry_scrub':
          prep.look = drawPatchLook(d.kind, mixSeed(prep.salt, 0xb10c));
          this.grounds.push(prep);
          this.patches.push(prep);
          this.overlays.push(prep);
          break;
        case 'cloud_shadow':
          this.shadows.push(prep);
          break;
        case 'vehicle_dust': {
          this.grounds.push(prep);
          // The vehicle stands 2 m tall where it is painted: it casts a shadow like a site's objects.
          this.overlays.push(prep);
          this.hasFlatOverlays = true;
          // Dust trails behind the vehicle (opposite its heading), low and brownish.
          volumes.push(
            withBox({
              kind: 'dust',
              incident: 0,
              tag: 'vehicle_dust',
              sx: d.x - sinH * 2,
              sy: d.y - cosH * 2,
              sz: z,
              wx: -sinH,
              wy: -cosH,
              sigmaQ0: 1.5,
              sigmaZ0: 1,
              growth: 0.1,
              ceilM: 4 + 6 * d.intensity,
              rise: 0.3,
              lengthM: d.lengthM,
              beta: 0.1 + 0.3 * d.intensity,
              colour: [0.72, 0.66, 0.55],
              darkening: 0.2,
              columnM: 0,
              seed: prep.salt,
            }),
          );
          break;
        }
        case 'cooking_smoke':
          volumes.push(
            withBox({
              kind: 'cooking',
              incident: 0,
              tag: 'cooking_smoke',
              sx: d.x,
              sy: d.y,
              sz: z + drng.range(7, 12),
              wx,
              wy,
              sigmaQ0: drng.range(0.4, 1.1),
              sigmaZ0: drng.range(0.4, 1),
              growth: drng.range(0.08, 0.16),
              ceilM: drng.range(8, 30),
              rise: 1.2 / windMps,
              lengthM: d.lengthM * drng.range(0.8, 1.8),
              beta: 0.08 + 0.35 * d.intensity,
              colour: drng.chance(0.5) ? [0.86, 0.87, 0.9] : [0.74, 0.76, 0.8],
              darkening: 0.15,
              columnM: 0,
              seed: prep.salt,
            }),
          );
          break;
        case 'mist':
          volumes.push(
            withBox({
              kind: 'mist',
              incident: 0,
              tag: 'mist',
              sx: d.x,
              sy: d.y,
              sz: z,
              wx,
              wy,
              sigmaQ0: d.radiusM,
              sigmaZ0: 0,
              growth: 0,
              ceilM: drng.range(6, 25),
              rise: 0,
              lengthM: 0,
              beta: 0.015 + 0.06 * d.intensity,
              colour: [0.9, 0.91, 0.92],
              darkening: 0,
              columnM: 0,
              seed: prep.salt,
            }),
          );
          break;
      }
    });
    // Straw is burnt on harvested fields: the plots under and around a burn are stubble (rows, windrows,
    // swaths) whatever the season would grow there, so the scar shows the stubble through its char
    // instead of an even black over a smooth green crop. After the hard negatives, which keep theirs.
    for (const p of this.incidents) {
      if (p.shape.cls !== 'straw_burning') continue;
      const sh = p.shape;
      const margin = 12;
      this.fieldForces.push({
        x: p.cx,
        y: p.cy,
        sinH: p.sinH,
        cosH: p.cosH,
        hl: (sh.shape === 'disc' ? sh.radiusM : sh.lengthM / 2) + margin,
        hw: (sh.shape === 'disc' ? sh.radiusM : sh.widthM / 2) + margin,
        state: CROP.stubble,
      });
      this.hasForcedCrops = true;
    }
    this.volumes = volumes;
    // Valley mist lies below a level a few tens of metres over the ground at the scene's centre.
    this.mistTopM = groundZ(0, 0) + 25 + 40 * this.mist;
  }

  /** Fractal noise texture at (x, y) with `texelM` metres per texel (feature size ~64 texels), ~[0, 1]. */
  tex(x: number, y: number, texelM: number, gsd: number, salt: number): number {
    const o = salt & 255;
    return sampleTex(
      this.noise,
      x / texelM + (this.noiseOff[o] as number),
      y / texelM + (this.noiseOff[(o + 101) & 255] as number),
      gsd / texelM,
    );
  }

  /**
   * Four detail channels at (x, y) with `texelM` metres per texel: blobs up to 32 texels, 8 texels, grain of
   * 2 texels, and another field of 16-texel blobs. Written into `out` and returned. There is no shared default
   * buffer: each read names one of its own (`detailBuffer()`, kept by the material that reads it), because a
   * shared one let a second read — or a helper called in between — silently overwrite a result still in use.
   */
  det4(x: number, y: number, texelM: number, gsd: number, out: Detail4): Detail4 {
    samplePacked(
      this.detail4,
      x / texelM + (this.noiseOff[7] as number) * 2,
      y / texelM + (this.noiseOff[8] as number) * 2,
      gsd / texelM,
      out,
    );
    return out;
  }

  /** Mark the surface as showing a hard negative (only when no incident claims the pixel). */
  tagIfNegative(s: Surface, kind: HardNegativeKind): void {
    s.tag = Shader.tagOf[kind];
  }

  /** The crop state a hard negative forces on the plot centred at (x, y), if any. */
  forcedCrop(x: number, y: number): CropState {
    for (const f of this.fieldForces) {
      const ex = x - f.x;
      const ny = y - f.y;
      const s = ex * f.sinH + ny * f.cosH;
      const q = ex * f.cosH - ny * f.sinH;
      if (Math.abs(s) <= f.hl && Math.abs(q) <= f.hw) return f.state;
    }
    return -1;
  }

  /** Whether a straw burn burns the plot in `pp` (the pixel's plot unless told; see burnsPlot). */
  plotBurns(pp: PixelPlot = this.pixelPlot): boolean {
    for (const p of this.burns) if (burnsPlot(p, pp)) return true;
    return false;
  }

  private lastGridIndex = -1;
  private lastGrid: PlotGrid | null = null;

  private fieldGrid(index: number, feat: SceneFeature | undefined): PlotGrid {
    if (index === this.lastGridIndex && this.lastGrid) return this.lastGrid;
    let g = this.grids.get(index);
    if (!g) {
      g = plotGrid(this, feat);
      this.grids.set(index, g);
    }
    this.lastGridIndex = index;
    this.lastGrid = g;
    return g;
  }

  private lookup(m: RasterMemo, x: number, y: number, level: number): number {
    return lookupCell(this.scene.raster, m, x, y, level);
  }

  /** The auxiliary value (0–255) of the last groundCell read. */
  private groundAux = 0;

  /**
   * The ground-class raster cell the shader reads at (x, y) for a pixel footprint of `gsd` (m; `lodGsd`
   * across the ray picks the raster's level): its index in `memo.tile`, its auxiliary value in
   * `groundAux`. Class edges are warped smoothly, so they wander as real field edges and banks do, and
   * read blended where a cell spans a pixel or two and more, where its steps would show (raster-lookup.ts).
   */
  private groundCell(x: number, y: number, gsd: number, lodGsd: number): number {
    const wob = 0.35 * Math.min(1, Math.max(0, (0.6 - gsd) / 0.2));
    let wx = x;
    let wy = y;
    if (wob) {
      wx += edgeWarp(x, y, 0) * wob;
      wy += edgeWarp(x, y, 1) * wob;
    }
    const level = levelForGsd(lodGsd);
    if ((LEVEL_CELL_M[level] ?? 16) > BLEND_CELL_PX * lodGsd) {
      const k = lookupBlended(this.scene.raster, this.memo, wx, wy, level, this.blendOut);
      this.groundAux = this.blendOut.aux;
      return k;
    }
    const k = this.lookup(this.memo, wx, wy, level);
    this.groundAux = (this.memo.tile as GroundTile).aux[k] as number;
    return k;
  }

  /** The raster cell under a roof or crown at (x, y), as the height functions read it (see surface). */
  private onTopCell(x: number, y: number): number {
    const k = this.lookup(this.memo, x, y, 1);
    this.groundAux = (this.memo.tile as GroundTile).aux[k] as number;
    return k;
  }

  /** The village feature at (x, y) as the height functions read the raster, 0 where no village is. */
  villageAt(x: number, y: number): number {
    const k = this.lookup(this.memo3, x, y, 1);
    const tile = this.memo3.tile as GroundTile;
    return tile.cls[k] === GROUND.village ? (tile.feat[k] as number) : 0;
  }

  /** The class raster's feature index at (x, y) as the height functions read it (1 m cells, no warp). */
  groundFeatureAt(x: number, y: number): number {
    const k = this.lookup(this.memo3, x, y, 1);
    return (this.memo3.tile as GroundTile).feat[k] as number;
  }

  /** The ground class (GROUND.*) the shader reads at (x, y) for a footprint of `gsd` metres. */
  groundClassAt(x: number, y: number, gsd: number): number {
    const k = this.groundCell(x, y, gsd, gsd);
    return (this.memo.tile as GroundTile).cls[k] as number;
  }

  /**
   * The surface at scene point (x, y) (terrain elevation z, slope hx = ∂z/∂x, hy = ∂z/∂y) seen with a
   * pixel footprint of gsd metres, written into `s`. `onTop`: the camera ray stopped on a house or a tree
   * crown there (building-rays.ts), so what is painted on the ground (burns, slopes, outfalls) is not on it.
   */
  surface(
    x: number,
    y: number,
    z: number,
    hx: number,
    hy: number,
    gsd: number,
    s: Surface,
    onTop = false,
    /**
     * The footprint (m) across the ray, for the class raster's level: `gsd` is stretched along the ray at
     * oblique incidence, and a level picked by it drew class edges across the ray in steps of 4 pixels.
     */
    lodGsd = gsd,
  ): void {
    s.reset();
    this.canopyGap = false;
    this.pixelPlot.on = false;
    // On a roof or a crown the class is read as the heights that stood it up read it (the 1 m raster, no
    // warp: builtHeight, standingHeight): read the photo's finer, warped way, the edge of a roof beside a
    // road could take the road's paint.
    const k = onTop ? this.onTopCell(x, y) : this.groundCell(x, y, gsd, lodGsd);
    const tile = this.memo.tile as GroundTile;
    const cls = tile.cls[k] as number;
    const featIndex = tile.feat[k] as number;
    const aux = this.groundAux / 255;
    const feat = featIndex ? this.scene.raster.feature(featIndex) : undefined;
    switch (cls) {
      case GROUND.forest:
        shadeForest(this, s, x, y, gsd);
        break;
      case GROUND.farmland:
        if (!shadeVillageCrownOver(this, s, x, y, gsd))
          shadeFarmland(this, s, x, y, gsd, this.fieldGrid(featIndex, feat), false);
        break;
      case GROUND.water:
        shadeWater(this, s, x, y, gsd, aux, feat);
        break;
      case GROUND.bank:
        shadeBank(this, s, x, y, gsd, aux, feat);
        break;
      case GROUND.road:
        if (!shadeVillageCrownOver(this, s, x, y, gsd)) shadeRoad(this, s, x, y, gsd, aux, feat);
        break;
      case GROUND.track:
        if (!shadeVillageCrownOver(this, s, x, y, gsd)) shadeTrack(this, s, x, y, gsd, aux);
        break;
      case GROUND.village:
        shadeVillage(this, s, x, y, gsd, featIndex);
        break;
      case GROUND.bamboo:
        shadeBamboo(this, s, x, y, gsd);
        break;
      case GROUND.tea:
        shadeTea(this, s, x, y, z, hx, hy, gsd, feat?.axisRad ?? 0);
        break;
      case GROUND.construction: {
        const c = Math.cos(feat?.axisRad ?? 0);
        const sn = Math.sin(feat?.axisRad ?? 0);
        const [u, v, plan] = this.layerSite(x, y, featIndex, c, sn);
        shadeConstruction(this, s, x, y, gsd, u, v, plan, c, sn, -sn, c);
        break;
      }
      default:
        if (!shadeVillageCrownOver(this, s, x, y, gsd)) shadeFarmland(this, s, x, y, gsd, this.bgGrid, true);
        break;
    }
    if (this.grounds.length) this.paintDistractors(x, y, gsd, cls, hx * hx + hy * hy, s);
    if (this.incidents.length && !onTop) this.paintIncidents(x, y, z, hx, hy, gsd, cls, s);
  }

  /**
   * Whether a forest, town or dirt-lane patch covers ground of class `cls` with terrain slope² `slope2`:
   * never water or its banks, and houses only on gentle ground (red earth on a steep slope is what an
   * exposed slope looks like, and houses do not stand on one).
   */
  private patchCovers(p: PreparedDistractor, cls: number, slope2: number): boolean {
    if (cls === GROUND.water || cls === GROUND.bank) return false;
    // Woodland and scrub stand on hillsides too (the real dry hillsides were among the misses).
    const k = p.d.kind;
    return k === 'dark_forest' || k === 'sparse_canopy' || k === 'dry_scrub' || slope2 < 0.04;
  }

  private readonly grad = new Float64Array(3);

  /** (a, q) of the last {@link toLocal}: metres along and across the hard negative's heading. */
  private localA = 0;
  private localQ = 0;

  /** Whether (x, y) lies within the bound of `p`; if so its frame's (a, q) are in localA, localQ. */
  private toLocal(p: PreparedDistractor, x: number, y: number): boolean {
    const ex = x - p.d.x;
    const ny = y - p.d.y;
    if (ex > p.boundM || ex < -p.boundM || ny > p.boundM || ny < -p.boundM) return false;
    this.localA = ex * p.sinH + ny * p.cosH;
    this.localQ = ex * p.cosH - ny * p.sinH;
    return true;
  }

  private paintDistractors(x: number, y: number, gsd: number, cls: number, slope2: number, s: Surface): void {
    for (const p of this.grounds) {
      const d = p.d;
      if (!this.toLocal(p, x, y)) continue;
      const a = this.localA;
      const q = this.localQ;
      if (d.kind === 'construction_site') {
        const plan = p.site as SitePlan;
        if (Math.abs(a) <= d.lengthM / 2 && Math.abs(q) <= d.widthM / 2)
          shadeConstruction(this, s, x, y, gsd, a, q, plan, p.sinH, p.cosH, p.cosH, -p.sinH);
        else if (apronCovers(cls)) shadeSiteApron(this, s, x, y, gsd, a, q, plan);
      } else if (p.stream) {
        const edge = streamEdgeDistance(p.stream, a, q);
        if (!streamCovers(edge, cls)) continue;
        // Water and bank drawn over whatever crowns were there: none of their leaves, heights or shade.
        s.level();
        s.ao = 1;
        shadeStream(this, s, x, y, gsd, edge, p.stream);
      } else if (p.look) {
        if (this.patchCovers(p, cls, slope2) && insidePatch(this, x, y, a, q, d.lengthM, d.widthM, p.salt)) {
          shadePatch(this, s, x, y, a, q, gsd, p.look, p.salt, p.sinH, p.cosH);
          s.tag = Shader.tagOf[d.kind];
        }
      } else if (d.kind === 'vehicle_dust') {
        if (paintVehicle(s, a, q, p.salt)) s.tag = Shader.tagOf.vehicle_dust;
      }
    }
  }

  private paintIncidents(
    x: number,
    y: number,
    z: number,
    hx: number,
    hy: number,
    gsd: number,
    cls: number,
    s: Surface,
  ): void {
    for (const p of this.incidents) {
      const e = x - p.cx;
      const n = y - p.cy;
      if (e <= p.boundM && e >= -p.boundM && n <= p.boundM && n >= -p.boundM) {
        const sl = e * p.sinH + n * p.cosH;
        const q = e * p.cosH - n * p.sinH;
        if (p.shape.cls === 'straw_burning') paintBurn(this, s, p, sl, q, x, y, gsd);
        else if (p.shape.cls === 'exposed_slope') paintSlope(this, s, p, sl, q, x, y, z, hx, hy, gsd);
        else paintOutfall(this, s, p, sl, q, x, y, gsd, cls === GROUND.water);
      }
      // The people and truck by a fire stand on its scar or beside it: painted over it.
      if (p.crew) paintCrew(s, p.crew, x, y, gsd, this.view, this.sunUx, this.sunUy);
    }
  }

  /**
   * The camera as seen from the point being shaded (set by the renderer per sample; straight above by
   * default): people by a fire stand up in oblique views (burn-crew.ts).
   */
  readonly view: ViewToward = { ux: 0, uy: 0, tan: Infinity };

  /** While set, the heights asked for are of buildings only (builtHeight): patches stand no trees. */
  builtOnly = false;
  /** A hash in [0, 1) of the building builtHeight last found (its walls' colour and windows). */
  builtHash = 0;
  /** One horizontal axis (unit) of that building's walls; the other is perpendicular to it. */
  builtAx = 1;
  builtAy = 0;
  private builtAxis(ax: number, ay: number): void {
    this.builtAx = ax;
    this.builtAy = ay;
  }
  private readonly memo3 = new RasterMemo();

  /**
   * Height (m) of the building at (x, y) above the ground, 0 where none stands: village houses (to the
   * roof ridge), town-block houses, site hoarding and offices. Outlines are exact (no dither, unlike
   * objectHeight's): camera rays meet them as walls (camera/building-rays.ts).
   */
  builtHeight(x: number, y: number): number {
    if (this.inClearing(x, y)) return 0;
    const k = this.lookup(this.memo3, x, y, 1);
    const tile = this.memo3.tile as GroundTile;
    const cls = tile.cls[k] as number;
    this.builtOnly = true;
    const over = this.hasFlatOverlays ? this.overlayHeight(x, y, cls) : this.patchHeightAt(x, y, cls);
    this.builtOnly = false;
    if (over >= 0) return over;
    if (cls === GROUND.village) {
      const L = lotAt(this, x, y, tile.feat[k] as number);
      if (L.kind !== 1) return 0;
      this.builtHash = L.hash;
      this.builtAxis(L.cos, L.sin);
      return houseRoofHeight(this, L);
    }
    if (cls === GROUND.construction) {
      const ax = this.scene.raster.feature(tile.feat[k] as number)?.axisRad ?? 0;
      const [u, v, plan] = this.layerSite(x, y, tile.feat[k] as number, Math.cos(ax), Math.sin(ax));
      this.builtHash = 0.5;
      this.builtAxis(Math.cos(ax), Math.sin(ax));
      return siteBuiltHeight(plan, u, v);
    }
    return 0;
  }

  /**
   * Whether a building may stand in the square [x0, x0 + size] × [y0, y0 + size]: a village or construction
   * cell of the class raster, or a patch or site, in or over it. Where not, builtHeight is 0 all over it.
   */
  mayBuild(x0: number, y0: number, size: number): boolean {
    const cx = x0 + size / 2;
    const cy = y0 + size / 2;
    for (const list of [this.patches, this.overlays])
      for (const p of list)
        if (Math.abs(p.d.x - cx) <= p.boundM + size / 2 && Math.abs(p.d.y - cy) <= p.boundM + size / 2) return true;
    const cell = LEVEL_CELL_M[1];
    for (let y = Math.floor(y0 / cell) * cell; y <= y0 + size; y += cell)
      for (let x = Math.floor(x0 / cell) * cell; x <= x0 + size; x += cell) {
        const c = this.classAt(x + cell / 2, y + cell / 2);
        if (c === GROUND.village || c === GROUND.construction) return true;
      }
    return false;
  }

  private readonly memoLot = new RasterMemo();

  /** Whether the raster's 1 m cell under (x, y) is village feature `feat` (a house must stand wholly on it). */
  onVillage(x: number, y: number, feat: number): boolean {
    const k = this.lookup(this.memoLot, x, y, 1);
    const t = this.memoLot.tile as GroundTile;
    return t.cls[k] === GROUND.village && t.feat[k] === feat;
  }

  /** Class of the raster's 1 m cell under (x, y) (builtHeight's lookup). */
  private classAt(x: number, y: number): number {
    const k = this.lookup(this.memo3, x, y, 1);
    return (this.memo3.tile as GroundTile).cls[k] as number;
  }

  /** Whether (x, y) lies within a straw burn's reach (a burn is painted over the crowns standing there). */
  private inBurn(x: number, y: number): boolean {
    for (const p of this.burns) {
      const e = x - p.cx;
      const n = y - p.cy;
      if (e > p.boundM || e < -p.boundM || n > p.boundM || n < -p.boundM) continue;
      if (inBurnReach(p.shape, e * p.sinH + n * p.cosH, e * p.cosH - n * p.sinH)) return true;
    }
    return false;
  }

  /** Whether (x, y) lies in an exposed slope's scar, by its own outline (paintSlope's): nothing stands there. */
  private inClearing(x: number, y: number): boolean {
    for (const p of this.clearings) {
      const e = x - p.cx;
      const n = y - p.cy;
      if (e > p.boundM || e < -p.boundM || n > p.boundM || n < -p.boundM) continue;
      const sl = e * p.sinH + n * p.cosH;
      const q = e * p.cosH - n * p.sinH;
      if (slopeOutline(this, p, sl, q, x, y, 0.3) <= 1) return true;
    }
    return false;
  }

  /** Shadows of trees and houses in ground coordinates, filled as the photo's samples read them (public for the renderer's stage timing). */
  readonly shadowMask: SunShadowMask;

  /**
   * Height (m) of the bottom of what objectHeight's last call found standing: a crown's base where only a
   * trunk stands below it (canopyHeight), 0 for what stands on the ground.
   */
  objectBaseM = 0;

  /** Height of trees and houses at (x, y) above the ground (m), for shadow tests. */
  objectHeight(x: number, y: number): number {
    this.objectBaseM = 0;
    for (const c of this.crews) {
      const h = crewHeight(c, x, y);
      if (h > 0) return h;
    }
    // Exposed slopes are bare: no tree left standing inside a scar casts a shadow there.
    if (this.inClearing(x, y)) return 0;
    // The class raster has 1 m cells here: dither the lookup so tree-line shadows get ragged edges
    // instead of 1 m stair steps.
    const ix = Math.floor(x * 2.5);
    const iy = Math.floor(y * 2.5);
    return this.standingHeight(x, y, x + (hash2(ix, iy, 107) - 0.5) * 1.4, y + (hash2(iy, ix, 109) - 0.5) * 1.4);
  }

  /**
   * Offset (m) of the leaf texture's lookup from the point shaded: where a camera ray met a crown above the
   * ground, the horizontal run of the ray from there down to the ground (set by the renderer), so the
   * leaves on a crown's side are spread as the camera sees them instead of streaked down it.
   */
  leafDx = 0;
  leafDy = 0;

  /** While set, the heights asked for are of trees only (treeHeight): no houses, site machines or vehicles. */
  treesOnly = false;

  /**
   * Height (m) of the tree crown at (x, y) above the ground, 0 where none stands: what camera rays meet
   * as crowns (camera/render.ts). The class lookup is exact (objectHeight dithers its own for ragged
   * shadows), and houses, sites, vehicles and anything lower than TREE_MIN_M (logs, boulders) are left out.
   */
  treeHeight(x: number, y: number): number {
    if (this.inClearing(x, y) || this.inBurn(x, y)) return 0;
    this.treesOnly = true;
    const h = this.standingHeight(x, y, x, y);
    this.treesOnly = false;
    return h >= TREE_MIN_M ? h : 0;
  }

  /** objectHeight's heights at (x, y), the class raster read at (lx, ly). */
  private standingHeight(x: number, y: number, lx: number, ly: number): number {
    const k = this.lookup(this.memo2, lx, ly, 1);
    const tile = this.memo2.tile as GroundTile;
    const cls = tile.cls[k] as number;
    const over = this.hasFlatOverlays ? this.overlayHeight(x, y, cls) : this.patchHeightAt(x, y, cls);
    if (over >= 0) return over;
    switch (cls) {
      case GROUND.forest:
        return forestHeight(this, x, y);
      case GROUND.bamboo:
        return canopyHeight(this, x, y, 1, 0.5, 11);
      case GROUND.village: {
        const feat = tile.feat[k] as number;
        // Camera rays: the trees as the shading shows them (over open ground, above roofs).
        if (this.treesOnly) return villageCrownSeenAt(this, x, y, feat);
        const L = lotAt(this, x, y, feat);
        const house = L.kind === 1 ? L.heightM + 1.5 : 0;
        const tree = villageTreeHeight(this, x, y, feat);
        if (tree > house) return tree;
        this.objectBaseM = 0;
        return house;
      }
      case GROUND.road:
      case GROUND.track:
        // The trees of a village beside or round it, over it.
        return villageCrownOver(this, x, y);
      case GROUND.construction: {
        if (this.treesOnly) return 0;
        const ax = this.scene.raster.feature(tile.feat[k] as number)?.axisRad ?? 0;
        const [u, v, plan] = this.layerSite(x, y, tile.feat[k] as number, Math.cos(ax), Math.sin(ax));
        return siteHeight(plan, u, v);
      }
      case GROUND.background:
      case GROUND.farmland: {
        // The trees of a village at the fields' edge reach over them too.
        const crown = villageCrownOver(this, x, y);
        const base = this.objectBaseM;
        const f = tile.feat[k] as number;
        const h =
          cls === GROUND.background
            ? farmlandHeight(this, x, y, this.bgGrid, true)
            : farmlandHeight(this, x, y, this.fieldGrid(f, this.scene.raster.feature(f)), false);
        if (crown <= h) return h;
        this.objectBaseM = base;
        return crown;
      }
      default:
        return 0;
    }
  }

  private readonly siteUV: [number, number, SitePlan | null] = [0, 0, null];
  /** Per construction-layer feature: its extent along its axis (centre, size), or null for a large area. */
  private readonly layerSites = new Map<number, { uc: number; vc: number; plan: SitePlan } | null>();

  /**
   * Where (x, y) lies on a construction layer's site, in a site frame along the feature's axis (cos c, sin
   * sn): a polygon the size of a building site (up to 160 × 120 m) is one site with its hoarding, 1 m inside
   * its outline (the raster's edge is dithered); a larger area is drawn as 60 × 40 m lots, each a site of its
   * own without hoarding. Returns the frame's (u, v) and the plan, in a shared tuple.
   */
  private layerSite(x: number, y: number, featIndex: number, c: number, sn: number): [number, number, SitePlan] {
    const u = x * c + y * sn;
    const v = -x * sn + y * c;
    const out = this.siteUV;
    let one = this.layerSites.get(featIndex);
    if (one === undefined) {
      one = null;
      let u0 = Infinity;
      let u1 = -Infinity;
      let v0 = Infinity;
      let v1 = -Infinity;
      for (const poly of this.scene.raster.feature(featIndex)?.polygons ?? [])
        for (const ring of poly)
          for (let i = 0; i + 1 < ring.length; i += 2) {
            const pu = (ring[i] as number) * c + (ring[i + 1] as number) * sn;
            const pv = -(ring[i] as number) * sn + (ring[i + 1] as number) * c;
            u0 = Math.min(u0, pu);
            u1 = Math.max(u1, pu);
            v0 = Math.min(v0, pv);
            v1 = Math.max(v1, pv);
          }
      const l = u1 - u0 - 2;
      const w = v1 - v0 - 2;
      if (l >= 12 && w >= 10 && l <= 160 && w <= 120)
        one = { uc: (u0 + u1) / 2, vc: (v0 + v1) / 2, plan: sitePlan(this, Math.imul(featIndex, 7919) ^ 0x51e, l, w) };
      this.layerSites.set(featIndex, one);
    }
    if (one) {
      out[0] = u - one.uc;
      out[1] = v - one.vc;
      out[2] = one.plan;
      return out as [number, number, SitePlan];
    }
    const iu = Math.floor(u / 60 + 0.5);
    const iv = Math.floor(v / 40 + 0.5);
    const salt = (Math.imul(featIndex, 7919) + Math.imul(iu, 104729) + Math.imul(iv, 1299709)) | 0;
    out[0] = u - iu * 60;
    out[1] = v - iv * 40;
    out[2] = sitePlan(this, salt, 60, 40, false);
    return out as [number, number, SitePlan];
  }

  /** Height of the first patch (in paint order) with trees or houses over (x, y), −1 where none is. */
  private patchHeightAt(x: number, y: number, cls: number): number {
    for (const p of this.patches) {
      const h = this.patchHeightIf(p, x, y, cls);
      if (h >= 0) return h;
    }
    return -1;
  }

  private patchHeightIf(p: PreparedDistractor, x: number, y: number, cls: number): number {
    const d = p.d;
    if (!this.toLocal(p, x, y)) return -1;
    const a = this.localA;
    const q = this.localQ;
    if (!insidePatch(this, x, y, a, q, d.lengthM, d.widthM, p.salt)) return -1;
    let slope2 = 0;
    if (this.scene.dem) {
      this.scene.dem.sample(x, y, this.grad);
      slope2 = (this.grad[1] as number) ** 2 + (this.grad[2] as number) ** 2;
    }
    if (!this.patchCovers(p, cls, slope2)) return -1;
    if (this.builtOnly) this.builtAxis(p.sinH, p.cosH);
    return patchHeight(this, x, y, a, q, p.look as PatchLook, p.salt, p.sinH, p.cosH);
  }

  /**
   * Height of what the ground hard negatives paint on top at (x, y), −1 where none paints: a site or a
   * stream painted over a patch (or a patch over them) replaces what stood there, so the trees it hides cast
   * no shadow (paintDistractors' order, the last painter on top). Among patches the first still wins.
   */
  private overlayHeight(x: number, y: number, cls: number): number {
    let h = -1;
    let patchOnTop = false;
    for (const p of this.overlays) {
      const d = p.d;
      if (!this.toLocal(p, x, y)) continue;
      const a = this.localA;
      const q = this.localQ;
      if (p.site) {
        if (Math.abs(a) <= d.lengthM / 2 && Math.abs(q) <= d.widthM / 2) {
          h = this.builtOnly ? siteBuiltHeight(p.site, a, q) : this.treesOnly ? 0 : siteHeight(p.site, a, q);
          if (this.builtOnly) this.builtAxis(p.sinH, p.cosH);
          patchOnTop = false;
        } else if (apronCovers(cls) && inApron(p.site, a, q)) {
          h = 0;
          patchOnTop = false;
        }
      } else if (p.look) {
        if (patchOnTop) continue;
        const ph = this.patchHeightIf(p, x, y, cls);
        if (ph >= 0) {
          h = ph;
          patchOnTop = true;
        }
      } else if (d.kind === 'vehicle_dust') {
        const hv = vehicleHeight(a, q, p.salt);
        if (hv > 0) {
          h = this.builtOnly || this.treesOnly ? 0 : hv;
          patchOnTop = false;
        }
      } else if (p.stream) {
        // A stream: its water and its banks (paintDistractors' band); the banks shade the water.
        const edge = streamEdgeDistance(p.stream, a, q);
        if (streamCovers(edge, cls)) {
          h = this.builtOnly || this.treesOnly ? 0 : bankHeight(p.stream, edge);
          patchOnTop = false;
        }
      }
    }
    return h;
  }

  /**
   * Share of direct sun reaching (x, y) from standing height objH (0 = fully shadowed by trees or
   * houses between it and the sun), read from the photo's shadow mask (sun-shadow-mask.ts) on a
   * lattice between one and two of the sample's ground footprints `footM` (0.25 m at most: a finer one
   * would cost more heights than the samples it serves, as in oblique views). The last 0.8 m of height
   * below the shadow's top fade from sun to shade (a soft edge).
   */
  sunVisibility(x: number, y: number, objH: number, footM = SHADOW_CELL_M): number {
    if (this.direct < 0.02 || objH >= MAX_OBJECT_H_M) return 1;
    const over = this.shadowMask.top(x, y, SunShadowMask.levelFor(2 * footM), objH <= 0) - objH;
    const vis = over <= 0 ? 1 : over >= 0.8 ? 0 : 1 - over / 0.8;
    if (vis === 0 || !this.crews.length) return vis;
    // People by a fire: narrower than the mask keeps, their shadows are traced (burn-crew.ts).
    for (const c of this.crews) if (crewSunShare(c, x, y, objH, this.sunUx, this.sunUy, this.tanSun) === 0) return 0;
    return vis;
  }

  /** Cloud shadows on the ground at (x, y): 1 = none, lower = shaded. */
  cloudShade(x: number, y: number): number {
    let k = 1;
    if (this.cloudCover > 0) {
      // The cloud field at 1.2 km, seen from the ground toward the sun.
      const off = 1200 / Math.max(0.2, this.tanSun);
      const c = this.tex(x + this.sunX * off, y + this.sunY * off, 3, 6, 201);
      k *= 1 - 0.6 * smooth(1 - this.cloudCover * 0.55 - 0.08, 1 - this.cloudCover * 0.55 + 0.06, c);
    }
    for (const p of this.shadows) {
      const d = p.d;
      const dist = Math.hypot(x - d.x, y - d.y) / d.radiusM;
      if (dist > 1.4) continue;
      const edge = (this.tex(x, y, 0.8, 6, p.salt) - 0.5) * 0.6;
      k *= 1 - 0.7 * d.intensity * smooth(1.1, 0.7, dist + edge);
    }
    return k;
  }

  /**
   * Lit colour of surface `s` into out[0..2]: terrain slope (hx, hy), share of direct sun `vis`,
   * cloud shading `cloud`, unit view ray (vx, vy, vz) from the camera.
   */
  light(
    s: Surface,
    hx: number,
    hy: number,
    vis: number,
    cloud: number,
    vx: number,
    vy: number,
    vz: number,
    out: Float64Array,
  ): void {
    let nx = -(hx + s.gx);
    let ny = -(hy + s.gy);
    const inv = 1 / Math.sqrt(nx * nx + ny * ny + 1);
    nx *= inv;
    ny *= inv;
    const nz = inv;
    const ndl = nx * this.sunX + ny * this.sunY + nz * this.sunZ;
    const sun = this.direct * (ndl > 0 ? ndl : 0) * vis * cloud;
    const amb = this.ambient * s.ao * (0.7 + 0.3 * nz) * (0.85 + 0.15 * cloud);
    const n = 1 / this.norm;
    const wb = this.balance;
    const bl = s.bounce;
    const bc = this.bounceCol;
    // Light falling on the surface per channel, linear, 1 on flat sunlit ground.
    let ir = (sun * this.sunCol[0] + amb * this.skyCol[0] + bl * bc[0]) * n * wb[0];
    let ig = (sun * this.sunCol[1] + amb * this.skyCol[1] + bl * bc[1]) * n * wb[1];
    let ib = (sun * this.sunCol[2] + amb * this.skyCol[2] + bl * bc[2]) * n * wb[2];
    if (s.translucent > 0) {
      // Sunlight through leaves: filtered by a leaf on the way (tinted by its own colour), so shaded
      // foliage glows a deep green instead of going black.
      const t = (s.translucent * this.direct * cloud * this.sunZ * n) / Math.max(1e-6, s.r, s.g, s.b);
      ir += s.r * t * this.sunCol[0] * wb[0];
      ig += s.g * t * this.sunCol[1] * wb[1];
      ib += s.b * t * this.sunCol[2] * wb[2];
    }
    // Surface colours are display (sRGB-like) values and light is linear: a display value scales by the
    // light to the power 1/2.2. Multiplied in straight, a shadow with a fifth of the light came out a fifth
    // as bright, where real frames keep shade at about half the level of the lit ground beside it.
    let r = s.r * displayGain(ir);
    let g = s.g * displayGain(ig);
    let b = s.b * displayGain(ib);
    if (s.gloss > 0 && sun > 0) {
      // A glint off the leaf's surface where it faces halfway between sun and eye: the sun's colour.
      const hx = this.sunX - vx;
      const hy = this.sunY - vy;
      const hz = this.sunZ - vz;
      const ndh = (nx * hx + ny * hy + nz * hz) / Math.sqrt(hx * hx + hy * hy + hz * hz);
      if (ndh > 0) {
        const k = s.gloss * sun * n * Math.pow(ndh, GLOSS_LOBE);
        r += k * this.sunCol[0] * wb[0];
        g += k * this.sunCol[1] * wb[1];
        b += k * this.sunCol[2] * wb[2];
      }
    }
    if (s.emit > 0) {
      const e = s.emit;
      r += (s.r * 1.5 - r) * e;
      g += (s.g * 1.5 - g) * e;
      b += (s.b * 1.5 - b) * e;
    }
    if (s.spec > 0) {
      // Mirror: Fresnel-weighted sky reflection plus a sun glint.
      const dn = vx * nx + vy * ny + vz * nz;
      const rx = vx - 2 * dn * nx;
      const ry = vy - 2 * dn * ny;
      const rz = vz - 2 * dn * nz;
      const c = Math.min(1, Math.max(0, -dn));
      const f = 0.02 + 0.98 * Math.pow(1 - c, 5);
      const k = s.spec * Math.min(1, f + 0.03);
      this.skyGradient(rx, ry, Math.max(0.02, rz), this.refl);
      const rs = rx * this.sunX + ry * this.sunY + rz * this.sunZ;
      // The sun's own disc mirrored: gone under an overcast, whose light comes from the whole sky (the direct
      // light left under it, 8 %, is the cloud's glow, not a disc; it drew a glint blob on paddy water).
      const disc = (1 - this.overcast) * (1 - this.overcast);
      const glint =
        rs > 0.995 ? this.direct * disc * vis * cloud * Math.pow((rs - 0.995) / 0.005, 4) * 1.2 * s.spec : 0;
      r = r * (1 - k) + (this.refl[0] as number) * k + glint;
      g = g * (1 - k) + (this.refl[1] as number) * k + glint;
      b = b * (1 - k) + (this.refl[2] as number) * k + glint * 0.95;
    }
    out[0] = r;
    out[1] = g;
    out[2] = b;
  }

  private readonly refl = new Float64Array(3);

  /** Sky colour without clouds along a unit direction (for reflections). */
  private skyGradient(dx: number, dy: number, dz: number, out: Float64Array): void {
    const t = Math.sqrt(Math.max(0, dz));
    const h = this.hazeColour;
    const z = this.zenith;
    out[0] = h[0] + (z[0] - h[0]) * t;
    out[1] = h[1] + (z[1] - h[1]) * t;
    out[2] = h[2] + (z[2] - h[2]) * t;
    void dx;
    void dy;
  }

  /** Sky colour along a unit direction, with sun glow and clouds. */
  sky(dx: number, dy: number, dz: number, out: Float64Array): void {
    this.skyGradient(dx, dy, dz, out);
    const cosSun = dx * this.sunX + dy * this.sunY + dz * this.sunZ;
    if (cosSun > 0.8) {
      const gl = Math.pow((cosSun - 0.8) / 0.2, 6) * (0.5 + 0.5 * (1 - this.overcast)) * 0.6;
      out[0] = (out[0] as number) + gl;
      out[1] = (out[1] as number) + gl * 0.95;
      out[2] = (out[2] as number) + gl * 0.85;
    }
    const cover = Math.max(this.cloudCover, this.overcast);
    if (cover > 0 && dz > 0.01) {
      // Clouds on a layer at 1.2 km, fading into the haze toward the horizon. Two octaves on turned axes at
      // an irrational ratio of scales: one texture's repeat (512 texels) lined its cloudlets up in a grid
      // toward the horizon, where kilometres of the layer fall into a few pixels.
      const k = 1200 / dz;
      const cx = dx * k;
      const cy = dy * k;
      const foot = 0.006 * k;
      const c1 = this.tex(cx, cy, CLOUD_TEXEL_M, foot, 202);
      const c2 = this.tex(0.8 * cx - 0.6 * cy, 0.6 * cx + 0.8 * cy, CLOUD_TEXEL_M / 3.7, foot, 204);
      // Renormalised to the one texture's spread, so the cover's threshold means what it did.
      const c = 0.5 + (0.65 * (c1 - 0.5) + 0.35 * (c2 - 0.5)) / 0.738;
      const cl = smooth(1 - cover * 0.6 - 0.1, 1 - cover * 0.6 + 0.12, c) * smooth(0.01, 0.15, dz);
      const lit = 0.78 + 0.2 * (1 - this.overcast) + 0.1 * (c - 0.5);
      out[0] = (out[0] as number) + (lit - (out[0] as number)) * cl;
      out[1] = (out[1] as number) + (lit - (out[1] as number)) * cl;
      out[2] = (out[2] as number) + (lit * 1.02 - (out[2] as number)) * cl;
    }
  }

  /**
   * Blend haze and valley mist over `out` for a ground point `distM` away at elevation zG, seen along a
   * ray with vertical component vz (unit); returns the mist share (for tagging).
   */
  applyHaze(distM: number, x: number, y: number, zG: number, vz: number, out: Float64Array): number {
    const k = 1 - Math.exp((-3 * distM) / this.visibilityM);
    const h = this.hazeColour;
    out[0] = (out[0] as number) + (h[0] - (out[0] as number)) * k;
    out[1] = (out[1] as number) + (h[1] - (out[1] as number)) * k;
    out[2] = (out[2] as number) + (h[2] - (out[2] as number)) * k;
    if (this.mist <= 0 || zG >= this.mistTopM) return 0;
    const path = Math.min(distM, (this.mistTopM - zG) / Math.max(0.05, -vz));
    const patch = 0.3 + 1.4 * this.tex(x, y, 4, 8, 203);
    const m = 1 - Math.exp(-path * this.mist * 0.012 * patch);
    const w = 0.9;
    out[0] = (out[0] as number) + (w - (out[0] as number)) * m;
    out[1] = (out[1] as number) + (w - (out[1] as number)) * m;
    out[2] = (out[2] as number) + (w + 0.01 - (out[2] as number)) * m;
    return m;
  }

  /** Lit colour factor for volume samples (sun side vs shade), 0..1 light → brightness. */
  volumeLight(light: number): number {
    // Smoke's look was tuned on real plumes with light multiplied straight into display colours and the
    // sky fill of then; it keeps both (its sky fill is VOLUME_FILL's, not the ground's ambient).
    const amb = VOLUME_FILL + 0.45 * this.overcast + 0.1 * this.haze;
    const d = this.direct / (this.direct + amb);
    // Sunlit billows a little brighter than flat ground, shaded ones well below it: smoke in sun keeps
    // its modelling instead of clipping to a white sheet.
    return ((amb + this.direct * (0.2 + 0.8 * light)) / (amb + this.direct * Math.max(0.2, this.sunZ))) * (1 + 0.1 * d);
  }
}
