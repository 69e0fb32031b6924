/**
 * A non-2xx answer of the management API, as the API describes it:
 * `{ error: { code, message, metadata }, user_id }`.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly apiMessage: string,
    readonly method: string,
    readonly path: string,
    readonly userId: string | null = null,
    readonly metadata: Record<string, unknown> | null = null,
  ) {
    super(`${method} ${path} answered ${status}: ${apiMessage}`);
  }
}

/** A request that got no answer (connection reset, timeout, run deadline). */
export class TransportError extends Error {
  override readonly name = 'TransportError';

  constructor(
    readonly method: string,
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${method} ${path} failed: ${reason}`);
  }
}

/** Parses the API's error body; falls back to the raw text when it is not the documented shape. */
export function apiErrorFromBody(status: number, text: string, method: string, path: string): ApiError {
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown; metadata?: unknown }; user_id?: unknown };
    const message = typeof body.error?.message === 'string' ? body.error.message : text.slice(0, 200);
    const userId = typeof body.user_id === 'string' ? body.user_id : null;
    const metadata =
      body.error?.metadata && typeof body.error.metadata === 'object' ? (body.error.metadata as Record<string, unknown>) : null;
    return new ApiError(status, message, method, path, userId, metadata);
  } catch {
    return new ApiError(status, text.slice(0, 200) || `HTTP ${status}`, method, path);
  }
}
