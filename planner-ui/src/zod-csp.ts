/**
 * Imported first by main.ts, before any module that builds a zod schema: the page runs under a CSP without
 * 'unsafe-eval', and zod (unless jitless) probes `new Function` when the first object schema is built — the probe's
 * error is caught, but the browser still reports a CSP violation. Configured after the imports (as before) was too
 * late: the contract's schemas are built while the modules load.
 */
import { z } from 'zod';

z.config({ jitless: true });
