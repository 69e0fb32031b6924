/** Refused batches: isolating the refused members and applying the rest. */
import { describe, expect, it } from 'vitest';
import { runBatch, type BatchContext } from '../src/apply/run-batch.js';
import { ApiError, apiErrorFromBody } from '../src/providers/api-error.js';

const ids = Array.from({ length: 8 }, (_, i) => `user_${i}`);
const emails = new Map(ids.map((id) => [id, `${id}@corp.example`]));
const removal: BatchContext = { removal: true, writeSucceeded: () => false };
const assignment: BatchContext = { removal: false, writeSucceeded: () => false };

/** A bulk call that refuses the whole batch while it holds any of `refused`, with `status`; `named` says where the error names the member. */
function refusing(refused: string[], named: 'metadata' | 'message' | 'none', status = 400) {
  const calls: string[][] = [];
  const applied: string[] = [];
  const call = async (batch: string[]) => {
    calls.push(batch);
    const bad = batch.find((id) => refused.includes(id));
    if (bad) {
      const message = named === 'none' ? 'a member of this batch cannot be removed' : `${bad} has active API keys`;
      const body = { error: { code: status, message, metadata: named === 'metadata' ? { user_id: bad } : null }, user_id: 'user_caller' };
      throw apiErrorFromBody(status, JSON.stringify(body), 'POST', '/x');
    }
    applied.push(...batch);
    return { count: batch.length, attempts: 1 };
  };
  return { call, calls, applied };
}

describe('runBatch', () => {
  it('drops the member a 400 names and sends the rest again', async () => {
    const api = refusing(['user_3', 'user_6'], 'metadata');
    const outcome = await runBatch(api.call, ids, emails, removal);
    expect(outcome.refused.map((r) => r.userId)).toEqual(['user_3', 'user_6']);
    expect(outcome.refused[0]).toMatchObject({ email: 'user_3@corp.example', reason: 'user_3 has active API keys' });
    expect(api.applied.sort()).toEqual(ids.filter((id) => id !== 'user_3' && id !== 'user_6'));
    expect(outcome.requests).toBe(3);
  });

  it('finds the member a message names by id, never mistaking user_1 for user_10', async () => {
    const many = [...ids, 'user_10'];
    const api = refusing(['user_10'], 'message', 403);
    const outcome = await runBatch(api.call, many, emails, removal);
    expect(outcome.refused.map((r) => r.userId)).toEqual(['user_10']);
    expect(outcome.requests).toBe(2);
  });

  it('bisects a 400 that names nobody until the refused members are isolated', async () => {
    const api = refusing(['user_5'], 'none');
    const outcome = await runBatch(api.call, ids, emails, removal);
    expect(outcome.refused.map((r) => r.userId)).toEqual(['user_5']);
    expect(api.applied.sort()).toEqual(ids.filter((id) => id !== 'user_5'));
    // 8 → 4+4 → (4 ok) 2+2 → (2 ok) 1+1
    expect(outcome.requests).toBe(7);
  });

  it('isolates a removal refused with a 403 naming nobody once one member alone goes through', async () => {
    const api = refusing(['user_0', 'user_5'], 'none', 403);
    const outcome = await runBatch(api.call, ids, emails, removal);
    expect(outcome.refused.map((r) => r.userId).sort()).toEqual(['user_0', 'user_5']);
    expect(api.applied.sort()).toEqual(ids.filter((id) => id !== 'user_0' && id !== 'user_5'));
    expect(outcome.forbidden).toBeUndefined();
  });

  it('takes a 403 naming nobody for a permission problem when three members alone and the rest answer it, without bisecting', async () => {
    const api = refusing(ids, 'none', 403);
    const outcome = await runBatch(api.call, ids, emails, removal);
    expect(outcome).toMatchObject({ applied: [], refused: [], forbidden: true, requests: 5 });
    expect(outcome.error).toContain('permission problem');
    const proven = await runBatch(refusing(['user_2'], 'none', 403).call, ['user_2'], emails, { removal: true, writeSucceeded: () => true });
    expect(proven.refused.map((r) => r.userId)).toEqual(['user_2']);
  });

  it('never isolates members on a 403 to a call other than a removal', async () => {
    const api = refusing(['user_1'], 'metadata', 403);
    const outcome = await runBatch(api.call, ids, emails, { ...assignment, writeSucceeded: () => true });
    expect(outcome).toMatchObject({ applied: [], refused: [], forbidden: true, requests: 1 });
  });

  it('never reads the refused member from the top-level user_id', async () => {
    const error = apiErrorFromBody(400, JSON.stringify({ error: { code: 400, message: 'no', metadata: null }, user_id: 'user_1' }), 'POST', '/x');
    expect(error.memberId).toBeNull();
  });

  it('marks answers that prove nothing: a short or missing count, a retried write', async () => {
    const answers = [{ count: 8, attempts: 1 }, { count: 7, attempts: 1 }, { count: null, attempts: 1 }, { count: 8, attempts: 2 }];
    const unproven = await Promise.all(answers.map(async (answer) => (await runBatch(async () => answer, ids, emails, assignment)).unproven));
    expect(unproven).toEqual([false, true, true, true]);
  });

  it('splits a 413 or a 400 about the size, and fails the batch on other errors', async () => {
    for (const [status, message] of [[413, 'too large'], [400, 'member_user_ids must contain at most 3 items']] as const) {
      let calls = 0;
      const tooLarge = await runBatch(
        async (batch) => {
          calls++;
          if (batch.length > 3) throw new ApiError(status, message, 'POST', '/x');
          return { count: batch.length, attempts: 1 };
        },
        ids,
        emails,
        assignment,
      );
      expect(tooLarge.applied.sort()).toEqual(ids);
      expect(tooLarge.refused).toEqual([]);
      expect(calls).toBe(7);
    }
    const failed = await runBatch(async () => Promise.reject(new ApiError(500, 'boom', 'POST', '/x')), ids, emails, assignment);
    expect(failed).toMatchObject({ applied: [], refused: [], requests: 1, error: expect.stringContaining('500') });
  });
});
