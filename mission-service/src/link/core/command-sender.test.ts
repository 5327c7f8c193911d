import { describe, expect, it } from 'vitest';
import { FakeClock } from '../testing/fake-clock.ts';
import { MavCmd, MavResult } from '../mavlink/enums.ts';
import { common, type MavLinkData } from '../mavlink/messages.ts';
import { CommandSender } from './command-sender.ts';
import type { VehicleCore } from './vehicle-core.ts';

/** The vehicle side seen by CommandSender: what it sends, and a way to deliver COMMAND_ACKs. */
function harness() {
  const clock = new FakeClock();
  const sent: common.CommandLong[] = [];
  let handler: ((m: common.CommandAck) => void) | undefined;
  const vehicle = {
    sysId: 1,
    compId: 1,
    gcsSystemId: 255,
    send: (m: MavLinkData) => sent.push(m as common.CommandLong),
    onMessage: (_c: unknown, h: (m: common.CommandAck) => void) => {
      handler = h;
      return () => (handler = undefined);
    },
  } as unknown as VehicleCore;
  const sender = new CommandSender(vehicle, clock, { timeoutMs: 1000, retries: 3 });
  const ack = (command: number, result: number) => {
    const m = new common.CommandAck();
    m.command = command;
    m.result = result;
    m.targetSystem = 255;
    handler?.(m);
  };
  return { clock, sent, sender, ack };
}

/** Let the sender's queue start the command (it runs after pending microtasks). */
const flush = () => new Promise((r) => setTimeout(r, 0));

describe('CommandSender', () => {
  it.each([
    [MavResult.TEMPORARILY_REJECTED, 'temporarily_rejected', 'MAV_RESULT_TEMPORARILY_REJECTED'],
    [MavResult.DENIED, 'denied', 'MAV_RESULT_DENIED'],
    [MavResult.UNSUPPORTED, 'unsupported', 'MAV_RESULT_UNSUPPORTED'],
    [MavResult.FAILED, 'failed', 'MAV_RESULT_FAILED'],
    [MavResult.CANCELLED, 'cancelled', 'MAV_RESULT_CANCELLED'],
  ])('maps MAV_RESULT %i to %s', async (code, result, name) => {
    const h = harness();
    const p = h.sender.send({ command: MavCmd.COMPONENT_ARM_DISARM, params: [1] });
    await flush();
    h.ack(MavCmd.COMPONENT_ARM_DISARM, code);
    await expect(p).rejects.toMatchObject({ result, commandResult: name });
  });

  it('resolves on ACCEPTED and ignores acks of other commands', async () => {
    const h = harness();
    const p = h.sender.send({ command: MavCmd.COMPONENT_ARM_DISARM, params: [1] });
    await flush();
    h.ack(MavCmd.DO_SET_MODE, MavResult.DENIED);
    h.ack(MavCmd.COMPONENT_ARM_DISARM, MavResult.ACCEPTED);
    await expect(p).resolves.toBeUndefined();
    expect(h.sent[0]!._param1).toBe(1);
  });

  it('resends with increasing confirmation and times out after the retries', async () => {
    const h = harness();
    const p = h.sender.send({ command: MavCmd.NAV_TAKEOFF });
    await flush();
    h.clock.advance(3000);
    expect(h.sent.map((m) => m.confirmation)).toEqual([0, 1, 2, 3]);
    h.clock.advance(1000);
    await expect(p).rejects.toMatchObject({ result: 'timeout' });
  });

  it('keeps waiting without resending while the vehicle reports IN_PROGRESS', async () => {
    const h = harness();
    const p = h.sender.send({ command: MavCmd.NAV_TAKEOFF });
    await flush();
    h.clock.advance(900);
    h.ack(MavCmd.NAV_TAKEOFF, MavResult.IN_PROGRESS);
    h.clock.advance(900);
    h.ack(MavCmd.NAV_TAKEOFF, MavResult.IN_PROGRESS);
    h.clock.advance(900);
    h.ack(MavCmd.NAV_TAKEOFF, MavResult.ACCEPTED);
    await expect(p).resolves.toBeUndefined();
    expect(h.sent).toHaveLength(1);
  });

  it('is cancellable and has an overall deadline', async () => {
    const h = harness();
    const ac = new AbortController();
    const p = h.sender.send({ command: MavCmd.NAV_TAKEOFF }, { signal: ac.signal });
    await flush();
    ac.abort();
    await expect(p).rejects.toMatchObject({ result: 'cancelled' });
    const q = h.sender.send({ command: MavCmd.NAV_LAND }, { deadlineMs: 500 });
    await flush();
    h.clock.advance(500);
    await expect(q).rejects.toMatchObject({ result: 'timeout' });
  });

  it('sends the same command one at a time (an ack does not say which request it answers)', async () => {
    const h = harness();
    const a = h.sender.send({ command: MavCmd.COMPONENT_ARM_DISARM, params: [1] });
    await flush();
    const b = h.sender.send({ command: MavCmd.COMPONENT_ARM_DISARM, params: [0] });
    await flush();
    expect(h.sent).toHaveLength(1);
    h.ack(MavCmd.COMPONENT_ARM_DISARM, MavResult.ACCEPTED);
    await a;
    await new Promise((r) => setTimeout(r, 0));
    expect(h.sent).toHaveLength(2);
    expect(h.sent[1]!._param1).toBe(0);
    h.ack(MavCmd.COMPONENT_ARM_DISARM, MavResult.DENIED);
    await expect(b).rejects.toMatchObject({ result: 'denied' });
  });
});
