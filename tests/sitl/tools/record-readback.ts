/**
 * Records what a vehicle holds for the readback corpus (tests/sitl/fixtures/readback-corpus.json):
 *
 *   npx tsx tests/sitl/tools/record-readback.ts 5760 > tests/sitl/fixtures/arducopter-<version>-readback.json
 *
 * Run against a freshly started ArduCopter SITL; the output is the fixture the link's unit tests check the
 * storage model against (captured bytes serve as fixtures, so `npm test` needs no SITL).
 */
import { readFile } from 'node:fs/promises';
import { connectRawGcs } from '../support/raw-gcs.ts';
import type { MissionItem } from '../../../mission-service/src/link/plugins/mission/mission-items.ts';

const port = Number(process.argv[2] ?? 5760);
const corpusPath = new URL('../fixtures/readback-corpus.json', import.meta.url);
const corpus = JSON.parse(await readFile(corpusPath, 'utf8')) as Record<string, Array<Record<string, number | null>>>;
const nan = (items: Array<Record<string, number | null>>): MissionItem[] =>
  items.map(
    (it) =>
      Object.fromEntries(
        Object.entries(it).map(([k, v]) => [k, v === null ? Number.NaN : v]),
      ) as unknown as MissionItem,
  );
const gcs = await connectRawGcs(port);
const out: Record<string, unknown> = {};
for (const [name, type] of [
  ['mission', 0],
  ['fence', 1],
  ['rally', 2],
] as const) {
  const { ack } = await gcs.upload(nan(corpus[name]!), type);
  const held = await gcs.download(type);
  out[name] = {
    ack,
    held: held.map((h) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Number.isNaN(v) ? null : v]))),
  };
}
const texts = gcs.heard.filter((h) => h.type === 'StatusText').map((h) => h.fields.text);
gcs.close();
process.stdout.write(
  `${JSON.stringify({ about: 'What the vehicle held after each list of readback-corpus.json was uploaded (null = NaN); name the autopilot build and commit here.', ...out, statustext: texts }, null, 1)}\n`,
);
