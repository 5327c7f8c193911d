/**
 * Training options of one class's own head (round 9 of issue 16). Outfall levers found in rounds 4–8
 * (weighting positives up, a tighter target, keeping the confident positives, mining the class's own
 * look-alikes) each moved the straw-burning threshold because all classes shared one head; a class given
 * options here gets a head of its own, fitted on its own loss only, so they cannot.
 */
import { TRIAGE_CLASSES } from '../model/manifest.ts';
import type { TriageClass } from '../model/manifest.ts';

/** What a class's own head may change; absent = the trainer's default. */
export interface HeadOptions {
  /** Loss weight of the class's positive cells. */
  weight?: number;
  /** Only this centre share of each of the class's boxes is positive (`cell-targets.ts`). */
  core?: number;
  /** Share of a photo's positive cells kept for the refit (the first fit's most confident). */
  keep?: number;
  /** Hidden units of the head. */
  hidden?: number;
  /** Hard negatives mined per photo for the refit (the class's own look-alikes; 0 = no mining). */
  mine?: number;
  /**
   * Positive cells from the rendered set's masks: a cell the object covers at least this share of (the
   * plume itself, not the water and bank around it; boxes without a mask keep the box rule).
   */
  mask?: number;
  /** With `mask`: 1 = the box's cells the object covers none of are negatives (default 0: ignored). */
  outside?: number;
}
export type ClassHeadOptions = Partial<Record<TriageClass, HeadOptions>>;

const KEYS: Record<keyof HeadOptions, { min: number; max: number; integer?: boolean }> = {
  weight: { min: 1, max: 16 },
  core: { min: 0.2, max: 1 },
  keep: { min: 0.1, max: 1 },
  hidden: { min: 4, max: 128, integer: true },
  mine: { min: 0, max: 192, integer: true },
  mask: { min: 0.05, max: 1 },
  outside: { min: 0, max: 1, integer: true },
};

/**
 * Parses `class:key=value,key=value;class:…` (e.g. `sewage_outfall:weight=4,core=0.5`); throws an error a
 * person can act on (Chinese first) for an unknown class or key, a value out of range or a repeated class.
 */
export function parseClassOptions(text: string): ClassHeadOptions {
  const out: ClassHeadOptions = {};
  const groups = text
    .split(';')
    .map((g) => g.trim())
    .filter(Boolean);
  if (!groups.length)
    throw new Error(
      '--class-options 为空 / --class-options is empty: give class:key=value, e.g. sewage_outfall:weight=4',
    );
  for (const group of groups) {
    const colon = group.indexOf(':');
    const cls = (colon < 0 ? group : group.slice(0, colon)).trim();
    if (!(TRIAGE_CLASSES as readonly string[]).includes(cls))
      throw new Error(
        `未知类别 "${cls}"，可选 ${TRIAGE_CLASSES.join('、')} / unknown class "${cls}", expected one of ${TRIAGE_CLASSES.join(', ')}`,
      );
    if (out[cls as TriageClass]) throw new Error(`类别 "${cls}" 出现了两次 / class "${cls}" is given twice`);
    const opts: HeadOptions = {};
    const pairs =
      colon < 0
        ? []
        : group
            .slice(colon + 1)
            .split(',')
            .map((p) => p.trim())
            .filter(Boolean);
    if (!pairs.length) throw new Error(`"${group}" 应为 类别:键=值 / "${group}" must be class:key=value[,key=value]`);
    for (const pair of pairs) {
      const [key, value, ...rest] = pair.split('=').map((s) => s.trim());
      if (!key || value === undefined || value === '' || rest.length)
        throw new Error(`"${pair}" 应为 键=值 / "${pair}" must be key=value`);
      const range = KEYS[key as keyof HeadOptions];
      if (!range)
        throw new Error(
          `未知选项 "${key}"，可选 ${Object.keys(KEYS).join('、')} / unknown option "${key}", expected one of ${Object.keys(KEYS).join(', ')}`,
        );
      const n = Number(value);
      if (!Number.isFinite(n) || n < range.min || n > range.max || (range.integer && !Number.isInteger(n)))
        throw new Error(
          `${cls} 的 ${key} 应在 ${range.min}–${range.max} 之间${range.integer ? '（整数）' : ''} / ${cls}: ${key} must be ${range.integer ? 'a whole number ' : ''}from ${range.min} to ${range.max}, got ${value}`,
        );
      if (opts[key as keyof HeadOptions] !== undefined)
        throw new Error(`${cls} 的 ${key} 出现了两次 / ${cls}: ${key} is given twice`);
      opts[key as keyof HeadOptions] = n;
    }
    if (opts.outside !== undefined && opts.mask === undefined)
      throw new Error(
        `${cls} 的 outside 需与 mask 同用 / ${cls}: outside only applies with mask (e.g. mask=0.3,outside=1)`,
      );
    out[cls as TriageClass] = opts;
  }
  return out;
}
