/** Problems found in a layer, each naming the feature and the field so a person can fix the file. */

export interface LayerIssue {
  /** Layer name (file name without extension) when known. */
  layer: string | null;
  /** Index of the feature in its collection; null for collection-level problems. */
  featureIndex: number | null;
  featureId: string | null;
  featureName: string | null;
  /** Dotted path inside the feature (`properties.nameEn`, `geometry.coordinates[0][3]`) or collection. */
  field: string;
  /** Chinese first, English beside. */
  message: string;
}

/** Renders an issue as one line: `farmland #3 farm-03 (宫头村1号田块) properties.nameEn: …`. */
export function formatLayerIssue(issue: LayerIssue): string {
  const where = [
    issue.layer,
    issue.featureIndex === null ? null : `#${issue.featureIndex}`,
    issue.featureId,
    issue.featureName === null ? null : `(${issue.featureName})`,
  ]
    .filter((s): s is string => s !== null)
    .join(' ');
  return `${where ? `${where} ` : ''}${issue.field}: ${issue.message}`;
}

/** Thrown by the `assert…`/`load…` helpers; carries every issue, not just the first. */
export class LayerValidationError extends Error {
  constructor(
    readonly issues: LayerIssue[],
    context = '图层数据无效 / invalid layer data',
  ) {
    const shown = issues.slice(0, 10).map(formatLayerIssue);
    const more = issues.length > 10 ? [`… 另有 ${issues.length - 10} 个问题 / ${issues.length - 10} more`] : [];
    super([`${context}:`, ...shown, ...more].join('\n  '));
    this.name = 'LayerValidationError';
  }
}
