import { OperationScope, type CallOptions } from '../abort.ts';
import type { Clock, TimerHandle } from '../clock.ts';
import { LinkError } from '../errors.ts';
import { MavResult, commandResultName } from '../mavlink/enums.ts';
import { common } from '../mavlink/messages.ts';
import type { VehicleCore } from './vehicle-core.ts';

export interface CommandTiming {
  timeoutMs: number;
  retries: number;
}

/** MAVSDK-like defaults: a command is resent a few times before giving up. */
export const DEFAULT_COMMAND_TIMING: CommandTiming = { timeoutMs: 1000, retries: 3 };

export interface CommandRequest {
  command: number;
  /** param1..param7; missing ones are 0. */
  params?: readonly number[];
  /** Defaults to the vehicle's autopilot component. */
  targetComponent?: number;
  /** Human name for messages ("arm", "takeoff"). */
  label?: string;
}

/** Turn a COMMAND_ACK result into a LinkError (undefined for ACCEPTED). */
export function commandResultError(result: number, label: string): LinkError | undefined {
  const name = commandResultName(result);
  const d = { commandResult: name };
  switch (result) {
    case MavResult.ACCEPTED:
      return undefined;
    case MavResult.TEMPORARILY_REJECTED:
      return new LinkError(
        'temporarily_rejected',
        `${label}: 飞控暂时拒绝 / temporarily rejected by the vehicle (${name})`,
        d,
      );
    case MavResult.DENIED:
      return new LinkError('denied', `${label}: 飞控拒绝 / denied by the vehicle (${name})`, d);
    case MavResult.UNSUPPORTED:
      return new LinkError('unsupported', `${label}: 飞控不支持 / not supported by the vehicle (${name})`, d);
    case MavResult.CANCELLED:
      return new LinkError('cancelled', `${label}: 飞控已取消 / cancelled by the vehicle (${name})`, d);
    default:
      return new LinkError('failed', `${label}: 执行失败 / failed on the vehicle (${name})`, d);
  }
}

/**
 * COMMAND_LONG with COMMAND_ACK handling: resend (with increasing `confirmation`) until an ack comes,
 * keep waiting without resending while the vehicle reports IN_PROGRESS, map the result to a LinkError.
 * Commands with the same id are sent one after the other, as the ack does not say which request it answers.
 */
export class CommandSender {
  private readonly queues = new Map<number, Promise<unknown>>();

  constructor(
    private readonly vehicle: VehicleCore,
    private readonly clock: Clock,
    private readonly timing: CommandTiming,
  ) {}

  send(req: CommandRequest, opts: CallOptions = {}): Promise<void> {
    const prev = this.queues.get(req.command) ?? Promise.resolve();
    const run = prev.catch(() => undefined).then(() => this.sendNow(req, opts));
    this.queues.set(req.command, run);
    void run
      .catch(() => undefined)
      .then(() => {
        if (this.queues.get(req.command) === run) this.queues.delete(req.command);
      });
    return run;
  }

  private sendNow(req: CommandRequest, opts: CallOptions): Promise<void> {
    const label = req.label ?? `MAV_CMD ${req.command}`;
    const scope = new OperationScope(label, opts, this.clock);
    return new Promise<void>((resolve, reject) => {
      let attempt = 0;
      let timer: TimerHandle | undefined;
      const finish = (err?: LinkError): void => {
        if (timer !== undefined) this.clock.clearTimeout(timer);
        off();
        scope.dispose();
        if (err) reject(err);
        else resolve();
      };
      const off = this.vehicle.onMessage(common.CommandAck, (ack) => {
        if (ack.command !== req.command) return;
        if (ack.targetSystem !== 0 && ack.targetSystem !== this.vehicle.gcsSystemId) return;
        if (ack.result === MavResult.IN_PROGRESS) {
          // IN_PROGRESS: the vehicle has it; wait for the final ack without resending.
          arm();
          return;
        }
        finish(commandResultError(ack.result, label));
      });
      const transmit = (): void => {
        const msg = new common.CommandLong();
        msg.targetSystem = this.vehicle.sysId;
        msg.targetComponent = req.targetComponent ?? this.vehicle.compId;
        msg.command = req.command;
        msg.confirmation = Math.min(attempt, 255);
        const p = req.params ?? [];
        msg._param1 = p[0] ?? 0;
        msg._param2 = p[1] ?? 0;
        msg._param3 = p[2] ?? 0;
        msg._param4 = p[3] ?? 0;
        msg._param5 = p[4] ?? 0;
        msg._param6 = p[5] ?? 0;
        msg._param7 = p[6] ?? 0;
        this.vehicle.send(msg);
      };
      const arm = (): void => {
        if (timer !== undefined) this.clock.clearTimeout(timer);
        timer = this.clock.setTimeout(() => {
          if (attempt >= this.timing.retries) {
            finish(new LinkError('timeout', `${label}: 飞控无应答 / no COMMAND_ACK after ${attempt + 1} tries`));
            return;
          }
          attempt++;
          transmit();
          arm();
        }, this.timing.timeoutMs);
      };
      scope.signal.addEventListener('abort', () => finish(scope.reason), { once: true });
      if (scope.reason) {
        finish(scope.reason);
        return;
      }
      transmit();
      arm();
    });
  }
}
