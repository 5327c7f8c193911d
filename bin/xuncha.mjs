#!/usr/bin/env node
// Entry point of the `xuncha` CLI. The code is TypeScript run through tsx's loader, so a fresh clone needs
// no build step: `npm install && npm start` is the whole set-up.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../mission-service/src/cli/main.ts');
await main(process.argv);
