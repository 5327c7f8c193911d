import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { InFlightCap } from './in-flight-cap.ts';

describe('InFlightCap', () => {
  it('refuses beyond the cap and frees a slot when a response closes', () => {
    const cap = new InFlightCap(2);
    const [a, b, c] = [new EventEmitter(), new EventEmitter(), new EventEmitter()];
    expect(cap.enter(a)).toBe(true);
    expect(cap.enter(b)).toBe(true);
    expect(cap.enter(c)).toBe(false);
    a.emit('close');
    expect(cap.size).toBe(1);
    expect(cap.enter(c)).toBe(true);
    b.emit('close');
    c.emit('close');
    expect(cap.size).toBe(0);
  });
});
