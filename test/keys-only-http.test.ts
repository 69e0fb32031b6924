/**
 * A guardrail named for its keys only, end to end through the CLI over real
 * HTTP: its keys converge, its members are left where they are, and a member
 * the file lists elsewhere or removes from the workspace still leaves it.
 */
import { describe, expect, it } from 'vitest';
import { EXAMPLE_GUARDRAIL_IDS as G, EXAMPLE_WORKSPACE_IDS as W } from '../src/simulator/index.js';
import { runGatesync, simulatorEnv, workdir } from './support/cli.js';
import { simulatorPerTest } from './support/org.js';

const start = simulatorPerTest();

/** Daily cap holds bob, carol and niaj, and the key research-ci; GPU heavy holds dave. */
const file = (...workspaceLines: string[]) =>
  [
    'version: 1',
    'workspaces:',
    '  research:',
    ...workspaceLines,
    '    guardrails:',
    '      Daily cap:',
    '        keys: [research-notebooks]',
    '      GPU heavy: [dave@corp.example, carol@corp.example]',
    '',
  ].join('\n');

describe('a guardrail named for its keys only, over HTTP', () => {
  it('converges its keys and leaves its members alone: plan, apply, plan again shows no changes', async () => {
    const sim = await start();
    const env = simulatorEnv(sim);
    const cwd = workdir({ 'gatesync.yaml': file() });

    const validated = await runGatesync(['validate'], { cwd, env: {} });
    expect(validated.code, validated.stderr).toBe(0);

    const planned = await runGatesync(['plan', '--format', 'json'], { cwd, env });
    expect(planned.stderr).toBe('');
    expect(JSON.parse(planned.stdout).summary).toMatchObject({ move: 1, assign: 0, unassign: 0, assignKeys: 1, unassignKeys: 1, total: 3 });

    sim.stats.reset();
    const applied = await runGatesync(['apply', '--yes'], { cwd, env });
    expect(applied.code, applied.stderr).toBe(0);
    // carol moves to GPU heavy with one assign; nobody is unassigned from Daily cap.
    expect(sim.stats.log.map((entry) => `${entry.route} ${(entry.userIds ?? entry.keyHashes ?? []).join(',')}`).sort()).toEqual([
      'POST /guardrails/{id}/assignments/keys c0ffee00000000000000000000000004',
      'POST /guardrails/{id}/assignments/keys/remove c0ffee00000000000000000000000003',
      'POST /guardrails/{id}/assignments/members user_2carol',
    ]);
    expect(sim.store.listAssignments(G.researchDailyCap).map((row) => row.userId).sort()).toEqual(['user_2bob', 'user_2niaj']);
    expect(sim.store.listAssignments(G.gpuHeavy).map((row) => row.userId).sort()).toEqual(['user_2carol', 'user_2dave']);
    expect(sim.store.listKeyAssignments(G.researchDailyCap).map((row) => row.keyHash)).toEqual(['c0ffee00000000000000000000000004']);

    const again = await runGatesync(['plan'], { cwd, env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('No changes. The organization matches the file.');
  });

  it('unassigns a member leaving the workspace from it before removing them', async () => {
    const sim = await start();
    const env = simulatorEnv(sim);
    const stay = ['alice', 'bob', 'carol', 'dave', 'heidi', 'ivan', 'judy'].map((name) => `${name}@corp.example`);
    const cwd = workdir({ 'gatesync.yaml': file(`    members: [${stay.join(', ')}]`) });

    sim.stats.reset();
    const applied = await runGatesync(['apply', '--yes'], { cwd, env });
    expect(applied.code, applied.stderr).toBe(0);
    const niaj = sim.stats.log.filter((entry) => entry.userIds?.includes('user_2niaj')).map((entry) => entry.route);
    expect(niaj).toEqual(['POST /guardrails/{id}/assignments/members/remove', 'POST /workspaces/{id}/members/remove']);
    expect(sim.store.listAssignments(G.researchDailyCap).map((row) => row.userId)).toEqual(['user_2bob']);
    expect(sim.store.listWorkspaceMembers(W.research).map((row) => row.userId)).not.toContain('user_2niaj');

    const again = await runGatesync(['plan'], { cwd, env });
    expect(again.stdout).toContain('No changes. The organization matches the file.');
  });
});
