import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { UdpTransport } from './udp-transport.ts';

const open: UdpTransport[] = [];
afterEach(async () => {
  for (const t of open.splice(0)) await t.close();
});

describe('UdpTransport', () => {
  it('send never throws: a peer with port 0 is reported as a warning and the others still get the bytes', async () => {
    const rx = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => rx.bind(0, '127.0.0.1', () => resolve()));
    const got = new Promise<Buffer>((resolve) => rx.once('message', resolve));
    const warnings: string[] = [];
    const t = new UdpTransport('out', '127.0.0.1', rx.address().port);
    open.push(t);
    await t.open({ data: () => {}, state: () => {}, warn: (m) => warnings.push(m) });
    try {
      expect(() => t.send(Buffer.from([1]), '127.0.0.1:0')).not.toThrow();
      expect(warnings.join('\n')).toMatch(/send to 127\.0\.0\.1:0 failed/);
      t.send(Buffer.from([2]));
      expect([...(await got)]).toEqual([2]);
    } finally {
      rx.close();
    }
  });
});
