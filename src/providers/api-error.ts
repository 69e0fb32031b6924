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
    /** The member the refusal names (`error.metadata.user_id`), when it names one. */
    readonly memberId: string | null = null,
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
    const body = JSON.parse(text) as { error?: { message?: unknown; metadata?: unknown } };
    const message = typeof body.error?.message === 'string' ? body.error.message : text.slice(0, 200);
    const metadata =
      body.error?.metadata && typeof body.error.metadata === 'object' ? (body.error.metadata as Record<string, unknown>) : null;
    // Not the top-level `user_id`: the API does not say it names the refused member.
    const memberId = typeof metadata?.user_id === 'string' ? metadata.user_id : null;
    return new ApiError(status, message, method, path, memberId, metadata);
  } catch {
    return new ApiError(status, text.slice(0, 200) || `HTTP ${status}`, method, path);
  }
}
