/**
 * The error vocabulary of the simulated API. Every refusal is a
 * `SimulatorError`; the server turns it into the documented error body
 * `{ error: { code, message, metadata }, user_id }`.
 */

export type ErrorMetadata = Record<string, unknown>;

export class SimulatorError extends Error {
  readonly status: number;
  /** The user the refusal is about (first offender of a batch), if any. */
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

export function errorBody(status: number, message: string, userId: string | null = null, metadata: ErrorMetadata | null = null): ErrorBody {
  return { error: { code: status, message, metadata }, user_id: userId };
}

export function badRequest(message: string, userId: string | null = null, metadata: ErrorMetadata | null = null): SimulatorError {
  return new SimulatorError(400, message, { userId, metadata });
}

export function notFound(message: string): SimulatorError {
  return new SimulatorError(404, message);
}
