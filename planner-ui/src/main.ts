import { z } from 'zod';
import './styles.css';
import { startApp } from './app.ts';

// zod compiles validators with `new Function` unless told not to: the page runs under a CSP without 'unsafe-eval'.
z.config({ jitless: true });
startApp(document.getElementById('app')!);
