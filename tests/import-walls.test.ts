import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The import walls of eslint.walls.js, proven on code linted as if it lived in each package: every wall refuses
// a crossing import and lets the allowed ones through (which also proves the resolver finds the workspace packages:
// an import it cannot resolve would pass every wall unnoticed).
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const eslint = new ESLint({ cwd: root });

async function crossings(file: string, specifier: string): Promise<string[]> {
  const [result] = await eslint.lintText(`import '${specifier}';\n`, { filePath: path.join(root, file) });
  return result!.messages.filter((m) => m.ruleId === 'import-x/no-restricted-paths').map((m) => m.message);
}

const cases: [file: string, specifier: string, allowed: boolean][] = [
  ['geodata/src/planning/wall.ts', '@turf/turf', true],
  ['geodata/src/planning/wall.ts', '@xuncha/triage', false],
  ['geodata/test/wall.test.ts', '../../simulator/src/index.ts', false],
  ['simulator/src/camera/wall.ts', '@xuncha/geodata', true],
  ['simulator/src/camera/wall.ts', '@xuncha/triage', false],
  ['simulator/test/wall.test.ts', '@xuncha/mission-service/contract', false],
  ['triage/src/metadata/wall.ts', '@xuncha/geodata', true],
  ['triage/src/metadata/wall.ts', '@xuncha/simulator', false],
  ['mission-service/src/plans/wall.ts', '@xuncha/triage', true],
  ['mission-service/src/plans/wall.ts', '@xuncha/simulator', false],
  ['mission-service/src/cli/commands/wall.ts', '@xuncha/simulator', false],
  ['mission-service/src/link/testing/wall.ts', '@xuncha/simulator', false],
  ['mission-service/src/plans/wall.ts', '../../../tests/global-setup.ts', false],
  ['mission-service/test/jobs/wall.test.ts', '@xuncha/simulator', true],
  ['mission-service/src/bench/wall.ts', '@xuncha/simulator', true],
  ['mission-service/src/link/core/wall.ts', '../abort.ts', true],
  ['mission-service/src/link/core/wall.ts', 'node-mavlink', true],
  ['mission-service/src/link/core/wall.ts', 'node:net', true],
  ['mission-service/src/link/core/wall.ts', '../../db/db.ts', false],
  ['mission-service/src/link/core/wall.ts', '@xuncha/geodata', false],
  ['mission-service/src/link/core/wall.ts', 'pino', false],
  ['planner-ui/src/wall.ts', '@xuncha/mission-service/contract', true],
  ['planner-ui/src/wall.ts', '../../mission-service/src/db/db.ts', false],
  ['planner-ui/src/wall.ts', '@xuncha/geodata', false],
  // The drone link as a library of its own: the package export resolves (a refusal needs a resolved path).
  ['planner-ui/src/wall.ts', '@xuncha/mission-service/link', false],
  ['tests/wall.test.ts', '@xuncha/mission-service/link', true],
  ['tests/wall.test.ts', '../simulator/src/index.ts', true],
  // No production file imports a test file; tests may.
  ['geodata/src/planning/wall.ts', '../../test/helpers.ts', false],
  ['geodata/src/planning/wall.test.ts', '../../test/helpers.ts', true],
  ['mission-service/src/jobs/jobs-bench.ts', '../../test/jobs/sim-photos.ts', false],
  ['mission-service/src/jobs/wall.ts', '../../../tests/global-setup.ts', false],
];

describe('import walls between the packages (npm run lint)', () => {
  it.each(cases)('%s: import %s → allowed %s', async (file, specifier, allowed) => {
    const found = await crossings(file, specifier);
    if (allowed) expect(found).toEqual([]);
    else {
      expect(found.length).toBeGreaterThan(0);
      for (const m of found) expect(m).toContain('restricted zone');
    }
  });
});
