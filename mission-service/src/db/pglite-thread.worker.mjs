// The embedded PostgreSQL (PGlite + PostGIS) on a thread of its own. PGlite runs SQL in WebAssembly on the
// thread that calls it: on the service's thread a 2-second statistics query would stall every HTTP answer, every
// live stream and the MAVLink links of the drones in flight. Plain JavaScript: a worker does not inherit the
// service's TypeScript loader. The other half is `pglite-thread-db.ts`; messages are
// `{ id, op, sql?, params?, tx?, dataDir? }` in and `{ id, ok, value? | error? }` out.
import { parentPort } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';

/** @type {PGlite | undefined} */
let pg;
/** Open transactions by the id of the `begin` that opened them: PGlite's handle and how to end its callback. */
const transactions = new Map();
const ROLLBACK = Symbol('rollback');

// What the service reads of a driver error (SQLSTATE and the constraint, for clear 4xx answers): a structured
// clone of an Error keeps only its message and name.
const ERROR_FIELDS = [
  'name',
  'message',
  'code',
  'detail',
  'hint',
  'constraint',
  'table',
  'column',
  'schema',
  'severity',
];
function plainError(err) {
  const out = {};
  for (const k of ERROR_FIELDS) if (err?.[k] !== undefined) out[k] = String(err[k]);
  if (out.message === undefined) out.message = String(err);
  return out;
}

function target(tx) {
  if (tx === undefined) {
    if (!pg) throw new Error('the embedded database is not open');
    return pg;
  }
  const open = transactions.get(tx);
  if (!open) throw new Error(`transaction ${tx} is not open`);
  return open.handle;
}

const ops = {
  async open({ dataDir }) {
    pg = await PGlite.create({ dataDir, extensions: { postgis } });
    await pg.exec('CREATE EXTENSION IF NOT EXISTS postgis;');
  },
  async query({ sql, params, tx }) {
    const r = await target(tx).query(sql, params ?? []);
    return { rows: r.rows, affectedRows: r.affectedRows ?? 0 };
  },
  async exec({ sql, tx }) {
    await target(tx).exec(sql);
  },
  // Answers once the transaction is open; it stays open (other statements wait, as in PGlite itself) until
  // `commit` or `rollback` names it.
  begin({ id }) {
    if (!pg) throw new Error('the embedded database is not open');
    return new Promise((opened, failed) => {
      const open = {};
      open.done = pg
        .transaction(
          (handle) =>
            new Promise((commit, rollback) => {
              Object.assign(open, { handle, commit, rollback });
              transactions.set(id, open);
              opened();
            }),
        )
        .finally(() => transactions.delete(id));
      // A transaction that could not even start.
      open.done.catch((err) => {
        if (err !== ROLLBACK) failed(err);
      });
    });
  },
  async commit({ tx }) {
    const open = transactions.get(tx);
    if (!open) throw new Error(`transaction ${tx} is not open`);
    open.commit();
    await open.done;
  },
  async rollback({ tx }) {
    const open = transactions.get(tx);
    if (!open) return;
    open.rollback(ROLLBACK);
    await open.done.catch((err) => {
      if (err !== ROLLBACK) throw err;
    });
  },
  async close() {
    await pg?.close();
    pg = undefined;
  },
};

parentPort.on('message', async (msg) => {
  try {
    const value = await ops[msg.op](msg);
    parentPort.postMessage({ id: msg.id, ok: true, value });
  } catch (err) {
    parentPort.postMessage({ id: msg.id, ok: false, error: plainError(err) });
  }
});
