import { AppError } from '../app-error.ts';

/**
 * Maps constraint violations from PostgreSQL/PGlite (SQLSTATE in `code`) to clear 4xx errors; anything else is
 * rethrown unchanged. `what` names the object for the message.
 */
export function mapConstraintError(err: unknown, what: string): never {
  const code = (err as { code?: unknown } | null)?.code;
  const constraint = (err as { constraint?: unknown } | null)?.constraint;
  if (code === '23505') throw new AppError('conflict', 'conflict', `已存在 / already exists: ${what}`);
  if (code === '23503') {
    throw new AppError(
      'conflict',
      'reference_conflict',
      `引用冲突 / ${what} refers to, or is referred to by, another object`,
      {
        constraint: typeof constraint === 'string' ? constraint : undefined,
      },
    );
  }
  if (code === '23514' || code === 'XX000' || code === '22023') {
    throw new AppError(
      'invalid_input',
      'invalid_value',
      `数据无效 / invalid ${what} (rejected by the database check)`,
      {
        constraint: typeof constraint === 'string' ? constraint : undefined,
      },
    );
  }
  throw err;
}
