import { MavMissionResult, missionResultName } from './mavlink/enums.ts';
import type { ItemMismatch } from './plugins/mission/verify.ts';

export { missionResultName };

/**
 * One result vocabulary for everything that crosses the vehicle boundary, and one error class carrying it.
 * MAVSDK returns a per-plugin result enum; we keep the same codes but deliver them as a value on success
 * and as a `LinkError` on failure so callers can `await` without checking every return value.
 */

export type LinkResult =
  | 'success'
  | 'timeout'
  | 'denied'
  | 'temporarily_rejected'
  | 'unsupported'
  | 'failed'
  | 'cancelled'
  | 'mission_error'
  | 'no_vehicle'
  | 'connection_error'
  | 'invalid_argument'
  | 'busy';

/** HTTP status for each result, for the API layer (one table, used by the error handler). */
export const LINK_RESULT_HTTP_STATUS: Readonly<Record<LinkResult, number>> = {
  success: 200,
  invalid_argument: 400,
  denied: 403,
  no_vehicle: 404,
  busy: 409,
  temporarily_rejected: 409,
  mission_error: 422,
  unsupported: 422,
  cancelled: 499,
  failed: 502,
  connection_error: 502,
  timeout: 504,
};

/** Human text (Chinese first, English beside) for each MAV_MISSION_* result. */
const MAV_MISSION_RESULT_TEXT: Readonly<Partial<Record<number, string>>> = {
  [MavMissionResult.ERROR]: '飞控拒绝航线 / generic mission error',
  [MavMissionResult.UNSUPPORTED_FRAME]: '坐标系不受支持 / coordinate frame not supported',
  [MavMissionResult.UNSUPPORTED]: '指令不受支持 / command not supported',
  [MavMissionResult.NO_SPACE]: '航点数量超出飞控容量 / mission does not fit the vehicle storage',
  [MavMissionResult.INVALID]: '航点参数无效 / invalid mission item',
  [MavMissionResult.INVALID_PARAM1]: '参数1无效 / param1 invalid',
  [MavMissionResult.INVALID_PARAM2]: '参数2无效 / param2 invalid',
  [MavMissionResult.INVALID_PARAM3]: '参数3无效 / param3 invalid',
  [MavMissionResult.INVALID_PARAM4]: '参数4无效 / param4 invalid',
  [MavMissionResult.INVALID_PARAM5_X]: '纬度/x 无效 / x (latitude) invalid',
  [MavMissionResult.INVALID_PARAM6_Y]: '经度/y 无效 / y (longitude) invalid',
  [MavMissionResult.INVALID_PARAM7]: '高度/参数7无效 / param7 (altitude) invalid',
  [MavMissionResult.INVALID_SEQUENCE]: '航点序号错误 / item received out of sequence',
  [MavMissionResult.DENIED]: '飞控拒绝接收航线 / vehicle refuses missions (denied)',
  [MavMissionResult.OPERATION_CANCELLED]: '飞控取消了传输 / vehicle cancelled the transfer',
};

export interface LinkErrorDetails {
  /** MAV_MISSION_* name when result is 'mission_error'. */
  missionResult?: string;
  /** MAV_RESULT name when the error comes from a COMMAND_ACK. */
  commandResult?: string;
  /** Mission sequence number the error refers to, when known. */
  seq?: number;
  /** Verification: the first item/field where the vehicle holds something else than was sent. */
  mismatch?: ItemMismatch;
  /** The vehicle may hold part of the new mission (ArduPilot writes items as they arrive): do not fly it. */
  partialMission?: boolean;
  cause?: unknown;
}

/** The single error type of the drone link. `result` is never 'success'. */
export class LinkError extends Error {
  override readonly name = 'LinkError';
  readonly result: Exclude<LinkResult, 'success'>;
  readonly missionResult: string | undefined;
  readonly commandResult: string | undefined;
  readonly seq: number | undefined;
  readonly mismatch: ItemMismatch | undefined;
  readonly partialMission: boolean;

  constructor(result: Exclude<LinkResult, 'success'>, message: string, details: LinkErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.result = result;
    this.missionResult = details.missionResult;
    this.commandResult = details.commandResult;
    this.seq = details.seq;
    this.mismatch = details.mismatch;
    this.partialMission = details.partialMission ?? false;
  }

  /** HTTP status code for this error (see LINK_RESULT_HTTP_STATUS). */
  get httpStatus(): number {
    return LINK_RESULT_HTTP_STATUS[this.result];
  }

  /** Plain JSON shape for API responses and CLI output. */
  toJSON(): {
    result: LinkResult;
    message: string;
    missionResult?: string;
    commandResult?: string;
    seq?: number;
    mismatch?: ItemMismatch;
    partialMission?: boolean;
  } {
    return {
      result: this.result,
      message: this.message,
      ...(this.missionResult === undefined ? {} : { missionResult: this.missionResult }),
      ...(this.commandResult === undefined ? {} : { commandResult: this.commandResult }),
      ...(this.seq === undefined ? {} : { seq: this.seq }),
      ...(this.mismatch === undefined ? {} : { mismatch: this.mismatch }),
      ...(this.partialMission ? { partialMission: true } : {}),
    };
  }
}

/** Build the LinkError for a MISSION_ACK carrying a non-accepted MAV_MISSION_RESULT. */
export function missionAckError(code: number, context: string, seq?: number): LinkError {
  const name = missionResultName(code);
  const text = MAV_MISSION_RESULT_TEXT[code] ?? '未知错误 / unknown error';
  return new LinkError('mission_error', `${context}: ${text} (${name})`, {
    missionResult: name,
    ...(seq === undefined ? {} : { seq }),
  });
}

/** Narrowing helper. */
export function isLinkError(e: unknown): e is LinkError {
  return e instanceof LinkError;
}

/** Convert anything thrown into a LinkError, keeping LinkErrors as they are. */
export function toLinkError(e: unknown, fallback: Exclude<LinkResult, 'success'> = 'failed'): LinkError {
  if (e instanceof LinkError) return e;
  if (e instanceof Error && e.name === 'AbortError')
    return new LinkError('cancelled', '操作已取消 / cancelled', { cause: e });
  return new LinkError(fallback, e instanceof Error ? e.message : String(e), { cause: e });
}
