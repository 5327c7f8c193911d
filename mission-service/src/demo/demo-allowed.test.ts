import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { demoByDefault, demoRefusal, isLoopbackHost } from './demo-allowed.ts';

describe('demo mode default (XUNCHA_DEMO)', () => {
  it('is on for `npm start` as it comes: loopback HOST, embedded database', () => {
    expect(loadConfig({}).demo).toBe(true);
    expect(loadConfig({ HOST: '127.0.0.1' }).demo).toBe(true);
    expect(loadConfig({ HOST: '::1' }).demo).toBe(true);
    expect(loadConfig({ HOST: 'localhost' }).demo).toBe(true);
  });

  it('is off with XUNCHA_DEMO=0 (or false / no)', () => {
    for (const v of ['0', 'false', 'no', 'NO']) expect(loadConfig({ XUNCHA_DEMO: v }).demo).toBe(false);
  });

  it('is off on a non-loopback HOST or with a DATABASE_URL', () => {
    expect(loadConfig({ HOST: '0.0.0.0' }).demo).toBe(false);
    expect(loadConfig({ HOST: '192.168.1.20' }).demo).toBe(false);
    expect(loadConfig({ HOST: '::' }).demo).toBe(false);
    expect(loadConfig({ DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/x' }).demo).toBe(false);
  });

  it('keeps an explicit XUNCHA_DEMO=1 (serve then refuses it where it is unsafe)', () => {
    expect(loadConfig({ XUNCHA_DEMO: '1', HOST: '0.0.0.0' }).demo).toBe(true);
  });

  it('says why demo mode may not run, Chinese first', () => {
    expect(demoRefusal({ host: '127.0.0.1' })).toBeNull();
    expect(demoRefusal({ host: '10.0.0.5' })).toMatch(/^HOST=10\.0\.0\.5 不是本机回环地址 \/ .*not a loopback/);
    expect(demoRefusal({ host: '127.0.0.1', databaseUrl: 'postgres://x' })).toMatch(/DATABASE_URL/);
    expect(demoByDefault({ host: '127.0.0.2' })).toBe(true);
  });

  it('does not take a name that only starts like loopback for loopback', () => {
    for (const h of ['127.0.0.1.example.com', 'localhost.evil', '1127.0.0.1', '::10', '0.0.0.0'])
      expect(isLoopbackHost(h), h).toBe(false);
  });
});
