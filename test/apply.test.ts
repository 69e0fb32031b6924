/** The applier on an in-memory organization: batching, phase dependencies and failures as values. */
import { describe, expect, it } from 'vitest';
import { apply } from '../src/apply/apply.js';
import { paintFor, type Io } from '../src/cli/io.js';
import { plan } from '../src/plan/plan.js';
import { TransportError } from '../src/providers/api-error.js';
import { MemoryProvider, type MemoryOrg } from '../src/providers/memory-provider.js';
import { observe } from '../src/providers/observe.js';
import type { Desired } from '../src/model/desired.js';
import { DEFAULT_SAFETY } from '../src/model/config.js';

const users = Array.from({ length: 10 }, (_, i) => `user_${i}`);
const org = (): MemoryOrg => ({
  members: users.map((userId) => ({ userId, email: `${userId}@corp.example`, firstName: null, lastName: null, role: 'org:member' })),
  workspaces: [
    { id: 'ws-default', slug: 'default', name: 'Default', defaultGuardrailId: 'g-d' },
    { id: 'ws-r', slug: 'research', name: 'Research', defaultGuardrailId: 'g-r0', members: ['user_0', 'user_1', 'user_2'] },
  ],
  guardrails: [
    { id: 'g-d', name: 'Default', workspaceId: 'ws-default' },
    { id: 'g-r0', name: 'Research default', workspaceId: 'ws-r' },
    { id: 'g-a', name: 'A', workspaceId: 'ws-r', members: ['user_2'] },
    { id: 'g-b', name: 'B', workspaceId: 'ws-r' },
  ],
});

/** research: members user_0, user_3..user_5; A: user_3, user_4; B: user_5. user_1 and user_2 leave (user_2 holds A). */
async function planned(provider: MemoryProvider) {
  const observed = await observe(provider, { workspaces: [{ key: 'research', guardrailKeys: [] }] });
  const live = observed.workspacesByKey.get('research')!;
  const source = (ids: string[]) => new Map(ids.map((id) => [id, {}]));
  const desired: Desired = {
    workspaces: [
      {
        info: live.info,
        members: source(['user_0', 'user_3', 'user_4', 'user_5']),
        prune: true,
        allowEmpty: false,
        protected: new Set(),
        safety: DEFAULT_SAFETY,
        guardrails: new Map([
          ['g-a', { info: live.guardrails.get('g-a')!.info, members: source(['user_3', 'user_4']), prune: true, allowEmpty: false }],
          ['g-b', { info: live.guardrails.get('g-b')!.info, members: source(['user_5']), prune: true, allowEmpty: false }],
        ]),
      },
    ],
  };
  return plan(desired, observed);
}

class FailingProvider extends MemoryProvider {
  constructor(private readonly failing: Partial<Record<'add' | 'unassign', string[]>>) {
    super(org());
  }
  override async addWorkspaceMembers(workspaceId: string, userIds: string[]) {
    if (userIds.some((id) => this.failing.add?.includes(id))) throw new TransportError('POST', '/add', 'ECONNRESET');
    return super.addWorkspaceMembers(workspaceId, userIds);
  }
  override async unassignGuardrailMembers(guardrailId: string, userIds: string[]) {
    if (userIds.some((id) => this.failing.unassign?.includes(id))) throw new TransportError('POST', '/remove', 'ECONNRESET');
    return super.unassignGuardrailMembers(guardrailId, userIds);
  }
}

describe('apply', () => {
  it('runs the phases in order, one call per resource, kind and batch', async () => {
    const provider = new MemoryProvider(org());
    const result = await apply(await planned(provider), provider, { concurrency: 4, batchSize: 2 });
    expect(result.ok).toBe(true);
    expect(provider.calls.map((c) => `${c.method} ${c.target} ${c.userIds.join(',')}`)).toEqual([
      'addWorkspaceMembers ws-r user_3,user_4',
      'addWorkspaceMembers ws-r user_5',
      'assignGuardrailMembers g-a user_3,user_4',
      'assignGuardrailMembers g-b user_5',
      'unassignGuardrailMembers g-a user_2',
      'removeWorkspaceMembers ws-r user_1,user_2',
    ]);
    expect((await planned(provider)).changes).toEqual([]);
  });

  it('does not assign a member whose add failed, and goes on with the others', async () => {
    const provider = new FailingProvider({ add: ['user_5'] });
    const result = await apply(await planned(provider), provider, { concurrency: 4, batchSize: 1 });
    expect(result.ok).toBe(false);
    const assignB = result.batches.find((b) => b.call === 'assign' && b.targetId === 'g-b')!;
    expect(assignB.status).toBe('skipped');
    expect(provider.snapshot().assignments['g-a']).toEqual(['user_3', 'user_4']);
    expect(provider.snapshot().workspaceMembers['ws-r']).toEqual(['user_0', 'user_3', 'user_4']);
  });

  it('never removes a member whose unassign failed', async () => {
    const provider = new FailingProvider({ unassign: ['user_2'] });
    const result = await apply(await planned(provider), provider, { concurrency: 4, batchSize: 10 });
    expect(result.ok).toBe(false);
    const removal = result.batches.find((b) => b.call === 'remove-members')!;
    expect(removal.status).toBe('partial');
    expect(removal.applied).toEqual(['user_1']);
    expect(provider.snapshot().workspaceMembers['ws-r']).toContain('user_2');
    expect(provider.snapshot().assignments['g-a']).toEqual(['user_2', 'user_3', 'user_4']);
  });

  it('reports progress as batches done of total', async () => {
    const provider = new MemoryProvider(org());
    const seen: string[] = [];
    await apply(await planned(provider), provider, { concurrency: 1, batchSize: 1, onProgress: (done, total) => seen.push(`${done}/${total}`) });
    expect(seen).toEqual(['0/9', '1/9', '2/9', '3/9', '4/9', '5/9', '6/9', '7/9', '8/9', '9/9']);
  });
});

/** Answers every unassign with a full count and a second attempt, but unassigns nobody in `ignored`. */
class UnreliableProvider extends MemoryProvider {
  constructor(private readonly answer: { attempts: number; ignored: string[] }) {
    super(org());
  }
  override async unassignGuardrailMembers(guardrailId: string, userIds: string[]) {
    await super.unassignGuardrailMembers(guardrailId, userIds.filter((id) => !this.answer.ignored.includes(id)));
    return { count: userIds.length, attempts: this.answer.attempts };
  }
}

describe('apply verification', () => {
  it('trusts a count equal to the batch: no read-back, unless asked for with verify', async () => {
    const lying = new UnreliableProvider({ attempts: 1, ignored: ['user_2'] });
    const trusted = await apply(await planned(lying), lying, { concurrency: 4, batchSize: 10 });
    expect(trusted.verification).toEqual({ resources: 0, requests: 0 });

    const checked = new UnreliableProvider({ attempts: 1, ignored: ['user_2'] });
    const result = await apply(await planned(checked), checked, { concurrency: 4, batchSize: 10, verify: true });
    expect(result.ok).toBe(false);
    const unassign = result.batches.find((b) => b.call === 'unassign')!;
    expect(unassign.notApplied).toEqual([{ userId: 'user_2', email: 'user_2@corp.example', expected: 'unassigned from guardrail A' }]);
    // Not removed while still assigned: the failed unassign blocks the removal.
    expect(result.batches.find((b) => b.call === 'remove-members')!.applied).toEqual(['user_1']);
    expect(checked.violations).toEqual([]);
    expect(result.verification.resources).toBeGreaterThanOrEqual(4);
  });

  it('reads back a write retried after a lost answer, whatever its count', async () => {
    const provider = new UnreliableProvider({ attempts: 2, ignored: [] });
    const result = await apply(await planned(provider), provider, { concurrency: 4, batchSize: 10 });
    expect(result.ok).toBe(true);
    expect(result.verification).toEqual({ resources: 1, requests: 1 });
  });

  /** Applies one change per batch, aborting once `batches` are done. */
  async function interruptedAfter(batches: number) {
    const provider = new MemoryProvider(org());
    const controller = new AbortController();
    const result = await apply(await planned(provider), provider, {
      concurrency: 1,
      batchSize: 1,
      signal: controller.signal,
      onProgress: (done) => void (done === batches && controller.abort()),
    });
    return { provider, result };
  }

  it('starts no batch once the signal is aborted, and reports the rest as interrupted', async () => {
    const { provider, result } = await interruptedAfter(2);
    expect(provider.calls).toHaveLength(2);
    expect(result.ok).toBe(false);
    expect(result.interrupted).toBe(7);
    expect(result.batches.filter((b) => b.status === 'interrupted').every((b) => b.applied.length === 0)).toBe(true);
  });

  it('gives no guardrail back for a removal that was interrupted, not refused', async () => {
    const { provider, result } = await interruptedAfter(7);
    expect(provider.calls.at(-1)).toEqual({ method: 'unassignGuardrailMembers', target: 'g-a', userIds: ['user_2'] });
    expect(result.batches.filter((b) => b.call === 'remove-members').map((b) => b.status)).toEqual(['interrupted', 'interrupted']);
    expect(result.batches.some((b) => b.restore)).toBe(false);
  });
});

describe('colour', () => {
  const io = (tty: boolean, env: Record<string, string> = {}) => ({ stdoutIsTTY: tty, stderrIsTTY: tty, env }) as unknown as Io;
  it('colours only on a terminal, and never with NO_COLOR', () => {
    expect(paintFor(io(true), 'stdout')('green', 'x')).toBe('\u001b[32mx\u001b[39m');
    expect(paintFor(io(false), 'stdout')('green', 'x')).toBe('x');
    expect(paintFor(io(true, { NO_COLOR: '1' }), 'stdout')('green', 'x')).toBe('x');
  });
});
