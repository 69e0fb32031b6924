/**
 * One bulk call, made to get as much applied as the API allows:
 * - 413 (too large): split in two and send both halves;
 * - 400 naming one of the batch's members (`error.metadata.user_id`): that member is refused, the rest is sent again;
 * - 400 naming nobody: bisect until the refused ids are isolated.
 * Bulk writes are idempotent, so sending part of a batch again is safe.
 * Any other failure fails the whole batch.
 */
import { ApiError } from '../providers/api-error.js';

export type BatchCall = (userIds: string[]) => Promise<void>;

export interface RefusedMember {
  userId: string;
  email: string;
  reason: string;
}

export interface BatchOutcome {
  applied: string[];
  refused: RefusedMember[];
  requests: number;
  /** Set when the batch failed for a reason that is not about particular members. */
  error?: string;
}

export async function runBatch(call: BatchCall, userIds: string[], emails: Map<string, string>): Promise<BatchOutcome> {
  const outcome: BatchOutcome = { applied: [], refused: [], requests: 0 };
  const refuse = (userId: string, reason: string) => outcome.refused.push({ userId, email: emails.get(userId) ?? '', reason });

  const send = async (ids: string[]): Promise<void> => {
    if (ids.length === 0) return;
    outcome.requests++;
    try {
      await call(ids);
      outcome.applied.push(...ids);
    } catch (error) {
      if (!(error instanceof ApiError)) {
        outcome.error = (error as Error).message;
        return;
      }
      if (error.status === 413 && ids.length > 1) {
        const half = Math.ceil(ids.length / 2);
        await send(ids.slice(0, half));
        await send(ids.slice(half));
      } else if (error.status === 400 && error.memberId && ids.includes(error.memberId)) {
        refuse(error.memberId, error.apiMessage);
        await send(ids.filter((id) => id !== error.memberId));
      } else if (error.status === 400 && ids.length > 1) {
        const half = Math.ceil(ids.length / 2);
        await send(ids.slice(0, half));
        await send(ids.slice(half));
      } else if (error.status === 400) {
        refuse(ids[0]!, error.apiMessage);
      } else {
        outcome.error = error.message;
      }
    }
  };
  await send(userIds);
  return outcome;
}
