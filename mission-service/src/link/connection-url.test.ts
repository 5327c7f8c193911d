import { describe, expect, it } from 'vitest';
import { formatConnection, parseConnectionUrl } from './connection-url.ts';
import { LinkError } from './errors.ts';

describe('parseConnectionUrl', () => {
  it.each([
    ['udpin://0.0.0.0:14540', { kind: 'udpin', host: '0.0.0.0', port: 14540 }],
    ['udp://0.0.0.0:14540', { kind: 'udpin', host: '0.0.0.0', port: 14540 }],
    ['udpout://127.0.0.1:14550', { kind: 'udpout', host: '127.0.0.1', port: 14550 }],
    ['tcp://127.0.0.1:5760', { kind: 'tcp', host: '127.0.0.1', port: 5760 }],
    ['tcp://[::1]:5760', { kind: 'tcp', host: '::1', port: 5760 }],
    ['serial:///dev/ttyUSB0:57600', { kind: 'serial', path: '/dev/ttyUSB0', baudRate: 57600 }],
    ['serial:///dev/ttyACM0', { kind: 'serial', path: '/dev/ttyACM0', baudRate: 57600 }],
    ['serial://COM3:115200', { kind: 'serial', path: 'COM3', baudRate: 115200 }],
  ])('parses %s', (url, spec) => {
    expect(parseConnectionUrl(url)).toEqual(spec);
  });

  it('formats back what it parsed', () => {
    for (const url of ['udpin://0.0.0.0:14540', 'tcp://[::1]:5760', 'serial:///dev/ttyUSB0:57600']) {
      expect(formatConnection(parseConnectionUrl(url))).toBe(url);
    }
  });

  it.each([
    '',
    'tcp//127.0.0.1:5760',
    'tpc://127.0.0.1:5760',
    'udpout://127.0.0.1:0',
    'tcp://127.0.0.1:70000',
    'tcp://host',
    'serial:///dev/ttyUSB0:12',
  ])('rejects %j as invalid_argument with examples', (url) => {
    try {
      parseConnectionUrl(url);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(LinkError);
      expect((e as LinkError).result).toBe('invalid_argument');
      expect((e as LinkError).message).toContain('udpin://0.0.0.0:14540');
    }
  });
});
