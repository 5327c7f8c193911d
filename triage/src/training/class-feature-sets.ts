/**
 * A feature set per class (round 8 of issue 16): round 7 measured that the 9×9 max context suits exposed
 * slopes and the stride-8 detail outfalls, while both cost straw burning its operating point. So each
 * class may take its score from a head fitted on its own feature set; the exported graph computes the
 * union of the sets once and every head reads its own channels of it (`composed-head.ts`).
 */
import { TRIAGE_CLASSES } from '../model/manifest.ts';
import type { TriageClass } from '../model/manifest.ts';
import { CUE_NAMES, featureCopies } from './detector-graph.ts';
import type { FeatureGraphSpec } from './detector-graph.ts';

/** The named feature sets, as changes to the shipped spec (backbone block_10 + cues, 5×5 mean context). */
export const FEATURE_SETS = {
  base: {},
  'context-max-9': { contextMaxCells: 9 },
  fine: { fineLayer: 'block_5_add' },
  'fine+context-max-9': { fineLayer: 'block_5_add', contextMaxCells: 9 },
} as const satisfies Record<string, Partial<FeatureGraphSpec>>;
export type FeatureSetName = keyof typeof FEATURE_SETS;
export const FEATURE_SET_NAMES = Object.keys(FEATURE_SETS) as FeatureSetName[];

/** Which feature set each class's head reads; a class left out reads `base`. */
export type ClassFeatureSets = Partial<Record<TriageClass, FeatureSetName>>;

/**
 * Parses `class=set,class=set` (e.g. `exposed_slope=context-max-9,sewage_outfall=fine`); throws an
 * error a person can act on (Chinese first) for an unknown class or set, a repeated class or a bad pair.
 */
export function parseClassFeatures(text: string): ClassFeatureSets {
  const out: ClassFeatureSets = {};
  const pairs = text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (!pairs.length)
    throw new Error('--class-features 为空 / --class-features is empty: give class=set pairs, e.g. exposed_slope=fine');
  for (const pair of pairs) {
    const [cls, set, ...rest] = pair.split('=').map((s) => s.trim());
    if (!cls || !set || rest.length)
      throw new Error(`--class-features 的 "${pair}" 应为 类别=特征集 / "${pair}" must be class=set`);
    if (!(TRIAGE_CLASSES as readonly string[]).includes(cls))
      throw new Error(
        `未知类别 "${cls}"，可选 ${TRIAGE_CLASSES.join('、')} / unknown class "${cls}", expected one of ${TRIAGE_CLASSES.join(', ')}`,
      );
    if (!(FEATURE_SET_NAMES as string[]).includes(set))
      throw new Error(
        `未知特征集 "${set}"，可选 ${FEATURE_SET_NAMES.join('、')} / unknown feature set "${set}", expected one of ${FEATURE_SET_NAMES.join(', ')}`,
      );
    if (out[cls as TriageClass]) throw new Error(`类别 "${cls}" 出现了两次 / class "${cls}" is given twice`);
    out[cls as TriageClass] = set as FeatureSetName;
  }
  return out;
}

/** The set each class reads, in class order. */
export function setsByClass(sets: ClassFeatureSets): FeatureSetName[] {
  return TRIAGE_CLASSES.map((c) => sets[c] ?? 'base');
}

/** The graph spec of a feature set on top of the shipped (base) spec. */
export function specFor(base: FeatureGraphSpec, set: FeatureSetName): FeatureGraphSpec {
  return { ...base, ...FEATURE_SETS[set] };
}

/** The spec whose features hold every given set's (one graph computes them once). */
export function unionSpec(base: FeatureGraphSpec, sets: readonly FeatureSetName[]): FeatureGraphSpec {
  const specs = sets.map((s) => specFor(base, s));
  const fine = specs.find((s) => s.fineLayer)?.fineLayer;
  const contextMax = Math.max(0, ...specs.map((s) => s.contextMaxCells ?? 0));
  return { ...base, ...(fine ? { fineLayer: fine } : {}), ...(contextMax ? { contextMaxCells: contextMax } : {}) };
}

/**
 * A name per channel of a spec's feature map, in the order `appendFeatures` writes them: local (backbone,
 * stride-8 mean and max, cues), then the mean context and the max context of those.
 */
export function featureChannelNames(spec: FeatureGraphSpec, backboneChannels: number, fineChannels: number): string[] {
  const range = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
  const local = [
    ...range('backbone', backboneChannels),
    ...(spec.fineLayer ? [...range('fineMean', fineChannels), ...range('fineMax', fineChannels)] : []),
    ...CUE_NAMES,
  ];
  const copies = [
    'local',
    ...(spec.contextCells ? [`mean${spec.contextCells}`] : []),
    ...(spec.contextMaxCells ? [`max${spec.contextMaxCells}`] : []),
  ];
  if (copies.length !== featureCopies(spec)) throw new Error('feature copies out of step with the graph');
  return copies.flatMap((copy) => local.map((ch) => `${copy}:${ch}`));
}

/**
 * Where each channel of `subset`'s feature map sits in `union`'s, in `subset`'s order: a head fitted on
 * those columns of the union features sees exactly the vectors its own feature graph would give it.
 */
export function featureIndices(
  union: FeatureGraphSpec,
  subset: FeatureGraphSpec,
  backboneChannels: number,
  fineChannels: number,
): number[] {
  const all = new Map(featureChannelNames(union, backboneChannels, fineChannels).map((n, i) => [n, i]));
  return featureChannelNames(subset, backboneChannels, fineChannels).map((n) => {
    const i = all.get(n);
    if (i === undefined) throw new Error(`feature ${n} is not in the union feature map`);
    return i;
  });
}
