/** Refused batches: isolating the refused members and applying the rest. */
import { describe, expect, it } from 'vitest';
import { runBatch } from '../src/apply/run-batch.js';
import { ApiError, apiErrorFromBody } from '../src/providers/api-error.js';

const ids = Array.from({ length: 8 }, (_, i) => `user_${i}`);
const emails = new Map(ids.map((id) => [id, `${id}@corp.example`]));

/** A bulk call that refuses the whole batch while it holds any of `refused`; `named` says whether the error names one. */
function refusing(refused: string[], named: boolean) {
  const calls: string[][] = [];
  const applied: string[] = [];
  const call = async (batch: string[]) => {
    calls.push(batch);
    const bad = batch.find((id) => refused.includes(id));
    if (bad) {
      const body = { error: { code: 400, message: `${bad} has active API keys`, metadata: named ? { user_id: bad } : null }, user_id: 'user_caller' };
      throw apiErrorFromBody(400, JSON.stringify(body), 'POST', '/x');
    }
    applied.push(...batch);
  };
  return { call, calls, applied };
}

describe('runBatch', () => {
  it('drops the member a 400 names and sends the rest again', async () => {
    const api = refusing(['user_3', 'user_6'], true);
    const outcome = await runBatch(api.call, ids, emails);
    expect(outcome.refused.map((r) => r.userId)).toEqual(['user_3', 'user_6']);
    expect(outcome.refused[0]).toMatchObject({ email: 'user_3@corp.example', reason: 'user_3 has active API keys' });
    expect(api.applied.sort()).toEqual(ids.filter((id) => id !== 'user_3' && id !== 'user_6'));
    expect(outcome.requests).toBe(3);
  });

  it('bisects a 400 that names nobody until the refused members are isolated', async () => {
    const api = refusing(['user_5'], false);
    const outcome = await runBatch(api.call, ids, emails);
    expect(outcome.refused.map((r) => r.userId)).toEqual(['user_5']);
    expect(api.applied.sort()).toEqual(ids.filter((id) => id !== 'user_5'));
    // 8 → 4+4 → (4 ok) 2+2 → (2 ok) 1+1
    expect(outcome.requests).toBe(7);
  });

  it('never reads the refused member from the top-level user_id', async () => {
    const error = apiErrorFromBody(400, JSON.stringify({ error: { code: 400, message: 'no', metadata: null }, user_id: 'user_1' }), 'POST', '/x');
    expect(error.memberId).toBeNull();
  });

  it('splits a 413 and fails the batch on other errors', async () => {
    let calls = 0;
    const tooLarge = await runBatch(
      async (batch) => {
        calls++;
        if (batch.length > 3) throw new ApiError(413, 'too large', 'POST', '/x');
      },
      ids,
      emails,
    );
    expect(tooLarge.applied.sort()).toEqual(ids);
    expect(calls).toBe(7);
    const failed = await runBatch(async () => Promise.reject(new ApiError(500, 'boom', 'POST', '/x')), ids, emails);
    expect(failed).toMatchObject({ applied: [], refused: [], requests: 1, error: expect.stringContaining('500') });
  });
});
