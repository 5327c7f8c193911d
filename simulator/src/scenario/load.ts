/**
 * Reading scenario files with messages that name the file, the field and what is wrong.
 */
import { readFile } from 'node:fs/promises';
import { ScenarioSchema, type Scenario } from './schema.ts';

/** A scenario that cannot be used. */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
}

/** Validates parsed JSON as a scenario; throws ScenarioError listing every problem. */
export function parseScenario(json: unknown, label = 'scenario'): Scenario {
  const r = ScenarioSchema.safeParse(json);
  if (r.success) return r.data;
  const problems = r.error.issues
    .slice(0, 20)
    .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
    .join('; ');
  throw new ScenarioError(`场景文件无效 / invalid scenario ${label}: ${problems}`);
}

/** Reads and validates a scenario JSON file. */
export async function loadScenario(file: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ScenarioError(
      code === 'ENOENT'
        ? `场景文件不存在 / scenario file not found: ${file}`
        : `无法读取场景文件 / cannot read scenario file ${file}: ${code ?? String(err)}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ScenarioError(
      `场景文件不是有效 JSON / scenario file is not valid JSON: ${file}: ${(err as Error).message}`,
    );
  }
  return parseScenario(json, file);
}
