/**
 * The model Xuncha ships (trained by `npm run train:model`, see `triage/model/MODEL_CARD.md`): used by
 * `xuncha triage`, the worker and the service unless `XUNCHA_MODEL` or `--model` names another manifest.
 */
import { fileURLToPath } from 'node:url';

/** Absolute path of the shipped model's manifest. */
export const DEFAULT_MODEL_MANIFEST = fileURLToPath(new URL('../../model/xuncha-default.json', import.meta.url));
