import { ErrorResponseSchema } from '@xuncha/mission-service/contract';

/** What went wrong with a request, in a form the page can act on. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** HTTP status; 0 when the service could not be reached at all. */
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly requestId?: string,
    /** Seconds to wait before trying again (429). */
    readonly retryAfterS?: number,
  ) {
    super(message);
  }

  /** Worth trying again as it is: the connection or the service failed, not the request. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 502 || this.status === 503 || this.status === 504;
  }

  /** The session is gone (expired, revoked): log in again. */
  get sessionExpired(): boolean {
    return this.status === 401;
  }
}

/** Turns any error answer into an ApiError; the error shape is read in this one place (issue 19.4 may change it). */
export async function errorFromResponse(res: Response): Promise<ApiError> {
  const retryAfter = Number(res.headers.get('retry-after')) || undefined;
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  const parsed = ErrorResponseSchema.safeParse(body);
  if (parsed.success) {
    const e = parsed.data.error;
    return new ApiError(res.status, e.code, e.message, e.details, e.requestId, retryAfter);
  }
  return new ApiError(
    res.status,
    `http_${res.status}`,
    `服务返回 ${res.status} / the service answered ${res.status} ${res.statusText}`,
    undefined,
    res.headers.get('x-request-id') ?? undefined,
    retryAfter,
  );
}

/** The service could not be reached (offline, refused, DNS). */
export function networkError(err: unknown): ApiError {
  return new ApiError(0, 'network', `无法连接服务 / cannot reach the service: ${(err as Error)?.message ?? err}`);
}
