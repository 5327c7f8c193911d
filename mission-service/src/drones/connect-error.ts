/**
 * Why connecting to a drone failed, as an answer a person can act on: the address could not be reached (502: the
 * drone or its radio is off, wrong port), or it answered but no MAVLink heartbeat came (504: wrong protocol, wrong
 * system, signing key mismatch), or the connection string itself is unusable here (400). Never a bare 500.
 */
import { AppError } from '../http/errors.ts';

export function connectFailure(err: unknown, connection: string): AppError {
  if (err instanceof AppError) return err;
  const result = (err as { result?: string } | null)?.result;
  const reason = (err as Error | null)?.message ?? String(err);
  if (result === 'no_vehicle' || result === 'timeout')
    return new AppError(
      504,
      'drone_no_heartbeat',
      `未收到无人机心跳 / no MAVLink heartbeat from ${connection}: is it a MAVLink endpoint, and is the signing key right? (${reason})`,
      { connection, reason },
    );
  if (result === 'invalid_argument')
    return new AppError(
      400,
      'invalid_connection',
      `连接串不可用 / connection ${connection} cannot be used: ${reason}`,
      {
        field: 'connection',
        in: 'body',
        reason,
      },
    );
  return new AppError(502, 'drone_unreachable', `无法连接无人机 / cannot reach the drone at ${connection}: ${reason}`, {
    connection,
    reason,
  });
}
