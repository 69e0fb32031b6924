/**
 * Guardrail key assignments end to end, through the CLI, over real HTTP:
 * a workspace with more keys than one page of `GET /keys` holds converges
 * in one apply, a key moves between guardrails with one assign call, and
 * the errors point at the line.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_GUARDRAIL_IDS as G, EXAMPLE_WORKSPACE_IDS as W, exampleState, type RunningSimulator, type SimulatorState } from '../src/simulator/index.js';
import { runGatesync, simulatorEnv, workdir } from './support/cli.js';
import { simulatorPerTest } from './support/org.js';

const start = simulatorPerTest();
const KEY_COUNT = 250;
const batchKey = (i: number) => `batch-${i}`;

/** The example organization with 250 more keys in the research workspace, on no guardrail. */
function manyKeys(): SimulatorState {
  const state = exampleState();
  const research = state.workspaces.find((workspace) => workspace.id === W.research)!;
  research.keys = [
    ...(research.keys ?? []),
    ...Array.from({ length: KEY_COUNT }, (_, i) => ({ hash: `feed${String(i).padStart(28, '0')}`, name: batchKey(i), label: `sk-mg-v1-${i}...` })),
  ];
  return state;
}

const file = (dailyCapKeys: string[], gpuKeys: string[]) =>
  [
    'version: 1',
    'workspaces:',
    '  research:',
    '    guardrails:',
    '      Daily cap:',
    '        members: [bob@corp.example, carol@corp.example, niaj@corp.example]',
    `        keys: [${dailyCapKeys.join(', ')}]`,
    '      GPU heavy:',
    '        members: [dave@corp.example]',
    `        keys: [${gpuKeys.join(', ')}]`,
    '',
  ].join('\n');

describe('guardrail key assignments over HTTP', () => {
  it('converges over several pages of keys: plan, apply, plan again shows no changes', async () => {
    const sim = await start({ state: manyKeys() });
    const env = simulatorEnv(sim);
    const listed = Array.from({ length: 150 }, (_, i) => batchKey(i));
    const cwd = workdir({ 'gatesync.yaml': file(['research-ci', ...listed], ['research-notebooks']) });

    const planned = await runGatesync(['plan', '--format', 'json'], { cwd, env });
    expect(planned.stderr).toBe('');
    const summary = JSON.parse(planned.stdout).summary;
    expect(summary).toMatchObject({ assignKeys: 151, unassignKeys: 0, moveKeys: 0, total: 151 });
    // Three pages of keys: 100, 100, then a short one.
    expect(sim.stats.byRoute['GET /keys']).toBe(3);
    // One workspace key saves no lookup, so the org-wide listing, whose first page may be wasted, is not tried: one listing per guardrail.
    expect(sim.stats.byRoute['GET /guardrails/assignments/keys'] ?? 0).toBe(0);
    // The workspace's default guardrail takes no key, so its listing is never read.
    expect(sim.stats.byRoute['GET /guardrails/{id}/assignments/keys']).toBe(assignableGuardrails(sim, W.research));

    const applied = await runGatesync(['apply', '--yes'], { cwd, env });
    expect(applied.code).toBe(0);
    expect(sim.store.listKeyAssignments(G.researchDailyCap).map((row) => row.keyHash)).toHaveLength(151);

    const again = await runGatesync(['plan'], { cwd, env });
    expect(again.stdout).toContain('No changes. The organization matches the file.');
  });

  it('moves a key to another guardrail with one assign call and no unassign, and unassigns what the file drops', async () => {
    const sim = await start();
    const env = simulatorEnv(sim);
    const cwd = workdir({ 'gatesync.yaml': file([], ['research-ci', 'research-notebooks']) });
    const planned = await runGatesync(['plan'], { cwd, env });
    expect(planned.stdout).toContain('~ key research-ci (sk-or-v1-1c3...d03)  moves from Daily cap to GPU heavy');
    expect(planned.stdout).toContain('+ key research-notebooks (sk-or-v1-1d4...c04)');

    sim.stats.reset();
    const applied = await runGatesync(['apply', '--yes'], { cwd, env });
    expect(applied.code).toBe(0);
    const writes = sim.stats.log.map((entry) => `${entry.route} ${(entry.keyHashes ?? []).length}`);
    expect(writes).toEqual(['POST /guardrails/{id}/assignments/keys 2']);
    expect(sim.store.listKeyAssignments(G.gpuHeavy).map((row) => row.keyHash).sort()).toEqual([
      'c0ffee00000000000000000000000003',
      'c0ffee00000000000000000000000004',
    ]);

    writeFile(cwd, file([], ['research-notebooks']));
    const dropped = await runGatesync(['apply', '--yes'], { cwd, env });
    expect(dropped.code).toBe(0);
    expect(dropped.stdout).toContain('- key research-ci (sk-or-v1-1c3...d03)');
    expect(sim.store.listKeyAssignments(G.gpuHeavy).map((row) => row.keyHash)).toEqual(['c0ffee00000000000000000000000004']);
  });

  it('refuses keys it cannot place, at the line, and changes nothing', async () => {
    const sim = await start();
    const env = simulatorEnv(sim);
    const text = file(['research-cj', 'analytics-etl'], ['research-notebooks']) + ['  analytics:', '    guardrails:', '      BI tools:', '        members: []', '        allow_empty: true', '        keys: [analytics-etl]', ''].join('\n');
    const cwd = workdir({ 'gatesync.yaml': text });
    const run = await runGatesync(['plan'], { cwd, env });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/gatesync\.yaml:7:16: error: workspace research has no key named or hashed research-cj .*\n\s+hint: did you mean research-ci\?/);
    expect(run.stderr).toMatch(/gatesync\.yaml:7:29: error: key analytics-etl belongs to workspace analytics, not to research/);
    expect(sim.stats.writes).toBe(0);
  });

  it('names the workspace a key belongs to even when the file does not list that workspace, and changes nothing', async () => {
    const sim = await start();
    const cwd = workdir({ 'gatesync.yaml': file(['research-ci', 'analytics-etl'], ['research-notebooks']) });
    const run = await runGatesync(['plan'], { cwd, env: simulatorEnv(sim) });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/gatesync\.yaml:7:29: error: key analytics-etl belongs to workspace analytics, not to research/);
    // Only the failing file pays for reading the other workspaces' keys.
    expect(sim.stats.byRoute['GET /keys']).toBeGreaterThan(1);
    expect(sim.stats.writes).toBe(0);

    const fine = workdir({ 'gatesync.yaml': file(['research-ci'], ['research-notebooks']) });
    sim.stats.reset();
    expect((await runGatesync(['plan'], { cwd: fine, env: simulatorEnv(sim) })).code).toBe(0);
    expect(sim.stats.byRoute['GET /keys']).toBe(1);
  });

  it('refuses a key listed under two guardrails', async () => {
    const sim = await start();
    const cwd = workdir({ 'gatesync.yaml': file(['research-ci'], ['c0ffee00000000000000000000000003']) });
    const run = await runGatesync(['plan'], { cwd, env: simulatorEnv(sim) });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/gatesync\.yaml:10:\d+: error: key research-ci is listed under guardrails Daily cap \(line 7\) and GPU heavy of workspace research/);
  });

  it('counts key unassigns against the safety limits', async () => {
    const state = manyKeys();
    const research = state.workspaces.find((workspace) => workspace.id === W.research)!;
    for (const key of research.keys!.slice(-20)) key.guardrail_id = G.researchDailyCap;
    const sim = await start({ state });
    const kept = Array.from({ length: 10 }, (_, i) => batchKey(KEY_COUNT - 1 - i));
    const cwd = workdir({ 'gatesync.yaml': file(['research-ci', ...kept], []) });
    const run = await runGatesync(['plan'], { cwd, env: simulatorEnv(sim) });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('keys of guardrail Daily cap (workspace research): unassigns 10 of 21 keys (47.6%)');
    expect(run.stdout).toContain('Plan: 10 keys to unassign, in 1 workspace.');
  });

  it('a saved plan is stale once a key assignment it read changed', async () => {
    const sim = await start();
    const env = simulatorEnv(sim);
    const cwd = workdir({ 'gatesync.yaml': file(['research-ci'], ['research-notebooks']) });
    expect((await runGatesync(['plan', '--out', 'plan.json'], { cwd, env })).code).toBe(0);
    sim.store.assignKeys(G.gpuHeavy, ['c0ffee00000000000000000000000003']);
    sim.stats.reset();
    const run = await runGatesync(['apply', 'plan.json', '--yes'], { cwd, env });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('keys of guardrail Daily cap (workspace research): 1 key differs');
    expect(run.stderr).toContain('keys of guardrail GPU heavy (workspace research): 1 key differs');
    expect(sim.stats.writes).toBe(0);
  });

  it('reads key assignments per guardrail when no lookup saved pays for trying the organization-wide listing', async () => {
    const state = exampleState();
    const analytics = state.workspaces.find((workspace) => workspace.id === W.analytics)!;
    analytics.keys = Array.from({ length: 450 }, (_, i) => ({ hash: `beef${String(i).padStart(28, '0')}`, name: `etl-${i}`, label: `sk-${i}`, guardrail_id: G.biTools }));
    const sim = await start({ state });
    const cwd = workdir({ 'gatesync.yaml': file(['research-ci'], []) });
    const run = await runGatesync(['plan', '--verbose'], { cwd, env: simulatorEnv(sim) });
    expect(run.stdout).toContain('No changes.');
    const researchGuardrails = assignableGuardrails(sim, W.research);
    expect(sim.stats.byRoute['GET /guardrails/assignments/keys'] ?? 0).toBe(0);
    expect(sim.stats.byRoute['GET /guardrails/{id}/assignments/keys']).toBe(researchGuardrails);
  });

  it('a file without keys reads no key listing', async () => {
    const sim = await start();
    const cwd = workdir({
      'gatesync.yaml': ['version: 1', 'workspaces:', '  research:', '    guardrails:', '      Daily cap: [bob@corp.example, carol@corp.example, niaj@corp.example]', ''].join('\n'),
    });
    const run = await runGatesync(['plan'], { cwd, env: simulatorEnv(sim) });
    expect(run.stdout).toContain('No changes.');
    expect(sim.stats.byRoute['GET /keys'] ?? 0).toBe(0);
    expect(sim.stats.byRoute['GET /guardrails/{id}/assignments/keys'] ?? 0).toBe(0);
  });
  it('reads key assignments from the organization-wide listing when workspace lookups saved the request it may waste and it costs no more', async () => {
    const sim = await start({ state: exampleState() });
    const text = file(['research-ci'], ['research-notebooks']) + '  platform:\n    guardrails:\n      Staging: [mallory@corp.example]\n  sandbox:\n    guardrails:\n      Experiments: [rupert@corp.example, victor@corp.example]\n';
    const run = await runGatesync(['plan'], { cwd: workdir({ 'gatesync.yaml': text }), env: simulatorEnv(sim) });
    expect(run.code, run.stderr).toBe(0);
    // Three keys, one page of the workspace listing: two lookups saved, and the org-wide key listing (one page) beats one per guardrail.
    expect(sim.stats.byRoute['GET /workspaces']).toBe(1);
    expect(sim.stats.byRoute['GET /guardrails/assignments/keys']).toBe(1);
    expect(sim.stats.byRoute['GET /guardrails/{id}/assignments/keys'] ?? 0).toBe(0);
  });
});

function writeFile(cwd: string, text: string): void {
  writeFileSync(join(cwd, 'gatesync.yaml'), text);
}

/** The guardrails of a workspace that can hold keys: all but its default guardrail. */
function assignableGuardrails(sim: RunningSimulator, workspace: string): number {
  const { defaultGuardrailId } = sim.store.requireWorkspace(workspace);
  return sim.store.listGuardrails(workspace).filter((guardrail) => guardrail.id !== defaultGuardrailId).length;
}
