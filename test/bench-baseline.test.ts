/**
 * The benchmark compares like with like: the baseline script, given the same
 * desired state as gatesync, leaves the organization in the same state, with
 * bulk calls of at most 100 ids and no more of them than the plan needs; and
 * its dry run reads what its real run reads and writes nothing.
 */
import { describe, expect, it, vi } from 'vitest';
import { minimalWriteCalls } from '../bench/run-size.js';
import { churnedDesired, desiredYaml, fileShapes, orgState, type DesiredSpec } from '../bench/scenario.js';
import { runSequentialBaseline } from '../bench/sequential-baseline.js';
import type { Plan } from '../src/model/plan.js';
import { generateOrg, type SimulatorState } from '../src/simulator/index.js';
import { runGatesync, simulatorEnv, workdir } from './support/cli.js';
import { email, range, simulatorPerTest } from './support/org.js';

const start = simulatorPerTest();

const SMALL = { memberships: 300, members: 120, workspaces: 4, guardrailsPerWorkspace: 3 };

/** Plans and applies `desired` with gatesync on one copy of `state`, runs the baseline on another; returns both stores and the plan. */
async function bothWays(state: () => SimulatorState, desired: DesiredSpec) {
  const [forGatesync, forBaseline] = await Promise.all([start({ state: state() }), start({ state: state() })]);
  const cwd = workdir({ 'gatesync.yaml': desiredYaml(desired) });
  const planned = await runGatesync(['plan', '--format', 'json'], { cwd, env: simulatorEnv(forGatesync) });
  expect(planned.code, planned.stderr).toBe(0);
  const plan = JSON.parse(planned.stdout) as Plan;
  const applied = await runGatesync(['apply', '--yes'], { cwd, env: simulatorEnv(forGatesync) });
  expect(applied.code, applied.stderr + applied.stdout).toBe(0);
  const baseline = await runSequentialBaseline(forBaseline.url, forBaseline.apiKey, desired);
  return { forGatesync, forBaseline, plan, baseline };
}

describe('the sequential baseline', () => {
  it('reaches the state gatesync reaches, with as few bulk calls as the plan needs', async () => {
    const desired = churnedDesired(orgState(SMALL));
    const { forGatesync, forBaseline, plan, baseline } = await bothWays(() => orgState(SMALL), desired);

    expect(plan.summary.total).toBeGreaterThan(0);
    expect(forBaseline.store.snapshot()).toEqual(forGatesync.store.snapshot());
    expect(forBaseline.stats.violations).toEqual([]);
    expect(baseline.readRequests + baseline.writeRequests).toBe(forBaseline.stats.requests);
    expect(baseline.writeRequests).toBe(forBaseline.stats.writes);
    expect(baseline.writeRequests).toBe(minimalWriteCalls(plan.changes, 100));
    expect(baseline.writeRequests).toBeLessThan(plan.summary.total);
  });

  it('sends batches of at most 100 ids', async () => {
    const state = () =>
      generateOrg({ members: 300, workspaces: 1, guardrailsPerWorkspace: 1, membershipsPerWorkspace: 10, assignedShare: 0, seed: 5 });
    const desired: DesiredSpec = {
      workspaces: [{ slug: 'ws-001', emails: range(1, 260).map(email), guardrails: [{ name: 'Guardrail 1', emails: range(1, 150).map(email) }] }],
    };
    const { forGatesync, forBaseline, plan, baseline } = await bothWays(state, desired);

    expect(forBaseline.store.snapshot()).toEqual(forGatesync.store.snapshot());
    const batches = forBaseline.stats.log.map((entry) => entry.userIds?.length ?? 0);
    expect(Math.max(...batches)).toBe(100);
    expect(batches.reduce((sum, size) => sum + size, 0)).toBe(plan.summary.total);
    expect(baseline.writeRequests).toBe(minimalWriteCalls(plan.changes, 100));
  });

  it('reaches gatesync\'s state for every file shape the benchmark compares', async () => {
    const shapes = fileShapes(orgState(SMALL), churnedDesired(orgState(SMALL)));
    expect(shapes.map((shape) => shape.name)).toContain('every workspace, guardrails only');
    for (const { name, spec } of shapes) {
      const { forGatesync, forBaseline } = await bothWays(() => orgState(SMALL), spec);
      expect(forBaseline.store.snapshot(), name).toEqual(forGatesync.store.snapshot());
      expect(forBaseline.stats.violations, name).toEqual([]);
    }
  });

  it('reads the same in a dry run, and writes nothing', async () => {
    const desired = churnedDesired(orgState(SMALL));
    const [dry, real] = await Promise.all([start({ state: orgState(SMALL) }), start({ state: orgState(SMALL) })]);
    const before = dry.store.snapshot();
    const counted = await runSequentialBaseline(dry.url, dry.apiKey, desired, { dryRun: true });
    const run = await runSequentialBaseline(real.url, real.apiKey, desired);

    expect(counted.writeRequests).toBe(0);
    expect(dry.stats.writes).toBe(0);
    expect(dry.store.snapshot()).toEqual(before);
    expect(counted.readRequests).toBe(run.readRequests);
    expect(dry.stats.byRoute).toEqual(Object.fromEntries(Object.entries(real.stats.byRoute).filter(([route]) => route.startsWith('GET '))));
  });

  it('lists guardrails per workspace, since the listing without workspace_id holds the default workspace\'s only', async () => {
    const simulator = await start({ state: orgState(SMALL) });
    const desired = churnedDesired(orgState(SMALL));
    const fetched = vi.spyOn(globalThis, 'fetch');
    let urls: URL[];
    try {
      await runSequentialBaseline(simulator.url, simulator.apiKey, desired, { dryRun: true });
      urls = fetched.mock.calls.map(([input]) => new URL(input instanceof Request ? input.url : String(input)));
    } finally {
      fetched.mockRestore();
    }
    const guardrailListings = urls.filter((url) => url.pathname.endsWith('/guardrails'));
    expect(guardrailListings.map((url) => url.searchParams.get('workspace_id')).sort()).toEqual(
      orgState(SMALL).workspaces.map((workspace) => workspace.id).sort(),
    );
    expect(simulator.stats.byRoute['GET /workspaces']).toBe(1);
    expect(simulator.stats.byRoute['GET /workspaces/{id}']).toBeUndefined();
  });
});
