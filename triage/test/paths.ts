import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (CI keeps `shared/` beside the clone). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Real drone files from exifr's test fixtures (MIT; see shared/samples/SOURCES.md). */
export const droneSamples = path.resolve(repoRoot, '../shared/samples/drone-metadata');
