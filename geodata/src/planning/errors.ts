/** Bad planner input: names the feature and the field so a person can fix it. */
export class PlanInputError extends Error {
  readonly featureId: string | undefined;
  readonly field: string;
  constructor(message: string, field: string, featureId?: string) {
    super(featureId === undefined ? `${field}: ${message}` : `要素 / feature "${featureId}", ${field}: ${message}`);
    this.name = 'PlanInputError';
    this.field = field;
    this.featureId = featureId;
  }
}
