/** Which mission commands a vehicle takes, and how it reads them back: npx tsx tests/sitl/tools/probe-commands.ts PORT CMD... */
import { connectRawGcs } from '../support/raw-gcs.ts';
const port = Number(process.argv[2]);
const cmds = process.argv.slice(3).map(Number);
const gcs = await connectRawGcs(port);
const home = {
  frame: 0,
  command: 16,
  current: 0,
  autocontinue: 1,
  param1: 0,
  param2: 0,
  param3: 0,
  param4: 0,
  x: 0,
  y: 0,
  z: 0,
};
for (const command of cmds) {
  const it = {
    frame: 2,
    command,
    current: 0,
    autocontinue: 1,
    param1: 1.5,
    param2: 2.5,
    param3: 3.5,
    param4: 4.5,
    x: 5,
    y: 6,
    z: 7.5,
  };
  const r = await gcs.upload([home, it], 0);
  const back = r.ack === 0 ? (await gcs.download(0))[1] : undefined;
  process.stdout.write(`${command} ack ${r.ack} ${JSON.stringify(back)}\n`);
}
gcs.close();
