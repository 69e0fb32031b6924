/**
 * A workspace whose membership the file leaves unmanaged: its member listing
 * is not read (a plan reads no more than a simple script would), and a
 * non-member assigned to one of its guardrails is refused by the API at
 * apply, named in the summary, while the rest is applied.
 */
import { describe, expect, it } from 'vitest';
import { EXAMPLE_GUARDRAIL_IDS as G, EXAMPLE_WORKSPACE_IDS as W, exampleState, exampleUserId as u } from '../src/simulator/index.js';
import { runGatesync, simulatorEnv, workdir } from './support/cli.js';
import { simulatorPerTest } from './support/org.js';

const start = simulatorPerTest();
const FILE = 'version: 1\nworkspaces:\n  sandbox:\n    guardrails:\n      Experiments: [rupert@corp.example, victor@corp.example, sybil@corp.example, erin@corp.example]\n';

describe('membership left unmanaged', () => {
  it('is not read: plan lists no member of the workspace', async () => {
    const simulator = await start({ state: exampleState() });
    const run = await runGatesync(['plan'], { cwd: workdir({ 'gatesync.yaml': FILE }), env: simulatorEnv(simulator) });
    expect(run.code, run.stderr).toBe(0);
    expect(simulator.stats.byRoute['GET /workspaces/{id}/members'] ?? 0).toBe(0);
    expect(run.stdout).toContain('erin@corp.example');
  });

  it('a non-member assigned there is refused by the API, named, and the rest is applied', async () => {
    const simulator = await start({ state: exampleState() });
    const cwd = workdir({ 'gatesync.yaml': FILE });
    const run = await runGatesync(['apply', '--yes'], { cwd, env: simulatorEnv(simulator) });
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toMatch(/erin@corp\.example[^\n]*not a member/i);
    expect(simulator.store.guardrailOf(W.sandbox, u('sybil'))?.id).toBe(G.experiments);
    expect(simulator.store.guardrailOf(W.sandbox, u('erin'))).toBeUndefined();
  });
});
