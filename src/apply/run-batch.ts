/**
 * One bulk call, made to get as much applied as the API allows:
 * - 413, or a 400 about the size of the request: split in two and send both halves;
 * - 400 naming one of the batch's members (in `error.metadata.user_id`, else
 *   by id or email in the message): that member is refused, the rest is sent again;
 * - 400 naming nobody: bisect until the refused ids are isolated;
 * - 403 on a removal: a refusal (active API keys, SCIM) when it names a
 *   member, or when the key is known to be allowed to write here (see
 *   `isPermissionProblem`); otherwise a permission problem of the key, reported
 *   once for the batch and never bisected;
 * - 403 on any other call: a permission problem.
 * Bulk writes are idempotent, so sending part of a batch again is safe.
 * Any other failure fails the whole batch.
 */
import { ApiError } from '../providers/api-error.js';
import type { WriteResult } from '../providers/provider.js';

export type BatchCall = (userIds: string[]) => Promise<WriteResult>;

export interface RefusedMember {
  userId: string;
  email: string;
  reason: string;
}

export interface BatchOutcome {
  applied: string[];
  refused: RefusedMember[];
  requests: number;
  /** Some answer does not prove its changes took effect: a count short of the ids sent or missing, or a retried write. */
  unproven: boolean;
  /** Set when the batch failed for a reason that is not about particular members. */
  error?: string;
  /** The key may not make this call (403): nothing was applied and nobody was refused. */
  forbidden?: true;
}

export interface BatchContext {
  /** Removals: the only calls the API refuses with 403 for reasons of a member (active API keys, SCIM). */
  removal: boolean;
  /** Whether a write in this workspace has succeeded during this run, which proves the key may write there. */
  writeSucceeded(): boolean;
}

/** Members sent alone to tell a refusal from a permission problem when a 403 names nobody. */
const PERMISSION_PROBES = 3;

/** Sizes in a 400 message: "too many ids", "at most 100", "maximum", "exceeds". */
const SIZE_MESSAGE = /\b(too (many|large|long)|at most \d+|maximum|exceeds?)\b/i;

export async function runBatch(call: BatchCall, userIds: string[], emails: Map<string, string>, context: BatchContext): Promise<BatchOutcome> {
  const outcome: BatchOutcome = { applied: [], refused: [], requests: 0, unproven: false };
  const refuse = (userId: string, reason: string) => outcome.refused.push({ userId, email: emails.get(userId) ?? '', reason });
  let succeeded = false;
  const permitted = () => succeeded || context.writeSucceeded();
  /** Groups answered by a 403 naming nobody before any write here succeeded: refusals or a permission problem, decided at the end. */
  const undecided: string[][] = [];
  let undecidedError: ApiError | undefined;
  let probed = false;

  const halves = async (ids: string[]) => {
    const half = Math.ceil(ids.length / 2);
    await send(ids.slice(0, half));
    await send(ids.slice(half));
  };

  const send = async (ids: string[]): Promise<void> => {
    if (ids.length === 0) return;
    outcome.requests++;
    let failure: unknown;
    try {
      const result = await call(ids);
      succeeded = true;
      outcome.applied.push(...ids);
      if (result.count === null || result.count < ids.length || result.attempts > 1) outcome.unproven = true;
      return;
    } catch (error) {
      failure = error;
    }
    if (!(failure instanceof ApiError)) {
      outcome.error = (failure as Error).message;
      return;
    }
    const named = namedMember(failure, ids, emails);
    const refusal = failure.status === 400 || (failure.status === 403 && context.removal);
    if (!named && ids.length > 1 && (failure.status === 413 || (failure.status === 400 && SIZE_MESSAGE.test(failure.apiMessage)))) {
      await halves(ids);
    } else if (refusal && named) {
      refuse(named, failure.apiMessage);
      await send(ids.filter((id) => id !== named));
    } else if (failure.status === 400 || (refusal && permitted())) {
      if (ids.length > 1) await halves(ids);
      else refuse(ids[0]!, failure.apiMessage);
    } else if (refusal && ids.length > 1 && !probed) {
      // A few members alone, then the others: a 200 on any proves the key may remove here.
      probed = true;
      let next = 0;
      while (next < Math.min(PERMISSION_PROBES, ids.length) && !permitted()) await send([ids[next++]!]);
      await send(ids.slice(next));
    } else if (refusal) {
      undecided.push(ids);
      undecidedError = failure;
    } else {
      outcome.error = failure.status === 403 ? permissionMessage(failure) : failure.message;
      if (failure.status === 403) outcome.forbidden = true;
    }
  };

  await send(userIds);
  // A 403 naming nobody, answered to every removal tried while no write of the
  // workspace has succeeded, is the key's lack of permission: a key that may
  // write is refused only the members who hold keys or are SCIM-managed, and
  // the probes above sent several members apart from the others.
  while (undecided.length > 0 && permitted()) {
    const group = undecided.shift()!;
    if (group.length === 1) refuse(group[0]!, undecidedError!.apiMessage);
    else await send(group);
  }
  if (undecided.length > 0) {
    outcome.error = permissionMessage(undecidedError!);
    outcome.forbidden = true;
  }
  return outcome;
}

function permissionMessage(error: ApiError): string {
  return `${error.message} — the management key may not make this change here (a permission problem, not a refusal of these members)`;
}

/** The member a refusal names: `error.metadata.user_id`, else the one batch member whose id or email the message holds. */
function namedMember(error: ApiError, ids: string[], emails: Map<string, string>): string | undefined {
  if (error.memberId && ids.includes(error.memberId)) return error.memberId;
  const message = error.apiMessage.toLowerCase();
  const mentions = (token: string) => token !== '' && new RegExp(`(^|[^\\w.@-])${escapeRegExp(token.toLowerCase())}($|[^\\w@-])`).test(message);
  const named = ids.filter((id) => mentions(id) || mentions(emails.get(id) ?? ''));
  return named.length === 1 ? named[0] : undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
