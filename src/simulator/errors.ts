/**
 * The error vocabulary of the simulated API. Every refusal is a
 * `SimulatorError`; the server turns it into the documented error body
 * `{ error: { code, message, metadata }, user_id }`.
 */

export type ErrorMetadata = Record<string, unknown>;

export class SimulatorError extends Error {
  readonly status: number;
  /** The user the refusal is about (first offender of a batch), if any: sent as `error.metadata.user_id`. */
  readonly userId: string | null;
  readonly metadata: ErrorMetadata | null;

  constructor(status: number, message: string, details: { userId?: string | null; metadata?: ErrorMetadata | null } = {}) {
    super(message);
    this.name = 'SimulatorError';
    this.status = status;
    this.userId = details.userId ?? null;
    this.metadata = details.metadata ?? null;
  }
}

export interface ErrorBody {
  error: { code: number; message: string; metadata: ErrorMetadata | null };
  user_id: string | null;
}

/**
 * The member a refusal is about goes in `error.metadata.user_id`. The
 * top-level `user_id` is not the refused member: the API does not document
 * it as such (it is on every error, 401 and 5xx included), so the simulator
 * leaves it null and no client may read a refused member from it.
 */
export function errorBody(status: number, message: string, userId: string | null = null, metadata: ErrorMetadata | null = null): ErrorBody {
  const details = userId === null ? metadata : { ...metadata, user_id: userId };
  return { error: { code: status, message, metadata: details }, user_id: null };
}

export function badRequest(message: string, userId: string | null = null, metadata: ErrorMetadata | null = null): SimulatorError {
  return new SimulatorError(400, message, { userId, metadata });
}

export function notFound(message: string): SimulatorError {
  return new SimulatorError(404, message);
}
