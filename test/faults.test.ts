/** Refused batches, oversized batches and a soak under faults: apply converges, loses nothing, adds nothing. */
import { describe, expect, it } from 'vitest';
import { generateOrg, type RunningSimulator, type SimulatorOptions } from '../src/simulator/index.js';
import { email, range, uid, simulatorPerTest } from './support/org.js';
import { runGatesync, simulatorEnv, workdir } from './support/cli.js';


let simulator: RunningSimulator | undefined;
const start = simulatorPerTest();

async function org(members: number, options: SimulatorOptions = {}) {
  simulator = await start({
    state: generateOrg({ members, workspaces: 2, guardrailsPerWorkspace: 2, membershipsPerWorkspace: 0, assignedShare: 0, seed: 1 }),
    ...options,
  });
  return simulator;
}

describe('refused batches', () => {
  it('reports a member with active keys by name and applies the rest of the batch', async () => {
    const sim = await org(20);
    for (let i = 1; i <= 10; i++) sim.store.addWorkspaceMember('ws-001', uid(i));
    sim.store.setActiveApiKeys('ws-001', uid(4), true);
    const guardrail = sim.store.guardrailByName('ws-001', 'Guardrail 2').id;
    sim.store.assign(guardrail, uid(4));
    sim.store.assign(guardrail, uid(5));
    sim.store.setScimManaged(uid(6), true);
    const cwd = workdir({ 'gatesync.yaml': `version: 1\nworkspaces:\n  ws-001:\n    members: [${[1, 2, 3, 7, 8, 9, 10, 11].map(email).join(', ')}]\n` });
    const env = simulatorEnv(sim);

    const first = await runGatesync(['apply', '--yes', '--allow-destructive'], { cwd, env });
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(new RegExp(`refused: ${email(4)} \\(${uid(4)}\\) — .*active API keys`));
    expect(first.stdout).toMatch(new RegExp(`refused: ${email(6)} \\(${uid(6)}\\) — .*SCIM`));
    expect(first.stdout).toContain('Apply incomplete');
    expect(sim.store.isWorkspaceMember('ws-001', uid(5))).toBe(false);
    expect(sim.store.isWorkspaceMember('ws-001', uid(11))).toBe(true);
    expect(sim.store.isWorkspaceMember('ws-001', uid(4))).toBe(true);
    // Unassigned before the removal the API refused, then given its guardrail back.
    expect(first.stdout).toContain(`restored: guardrail Guardrail 2 for ${uid(4)}, whose removal failed`);
    expect(sim.store.snapshot().assignments[guardrail]).toEqual([uid(4)]);

    sim.store.setActiveApiKeys('ws-001', uid(4), false);
    sim.store.setScimManaged(uid(6), false);
    expect((await runGatesync(['apply', '--yes'], { cwd, env })).code).toBe(0);
    expect((await runGatesync(['plan', '--detailed-exitcode'], { cwd, env })).code).toBe(0);
  });

  it('splits a batch the API finds too large (413) and applies every half', async () => {
    const sim = await org(200, { maxBatch: 30 });
    const cwd = workdir({ 'gatesync.yaml': `version: 1\nworkspaces:\n  ws-001:\n    members: [${range(1, 100).map(email).join(', ')}]\n` });
    const applied = await runGatesync(['apply', '--yes'], { cwd, env: simulatorEnv(sim) });
    expect(applied.code).toBe(0);
    expect(sim.store.snapshot().workspaceMembers[sim.store.findWorkspace('ws-001')!.id]).toHaveLength(100);
    // 100 → 2×50 → 4×25: one refused call, two refused halves, four accepted quarters.
    expect(sim.stats.log.map((w) => w.status)).toEqual([413, 413, 200, 200, 413, 200, 200]);
  });
});

describe('soak', () => {
  it('applies over 5,000 changes with ~20 % of requests faulted, exactly, and re-plans to nothing', async () => {
    const sim = await org(4_000, {
      faults: { 429: 0.07, 502: 0.04, 503: 0.05, 504: 0.03, reset: 0.04 },
      seed: 42,
      retryAfterSeconds: 0,
    });
    for (let i = 1; i <= 1_500; i++) sim.store.addWorkspaceMember('ws-002', uid(i));
    const g1 = sim.store.guardrailByName('ws-002', 'Guardrail 1').id;
    for (let i = 1; i <= 600; i++) sim.store.assign(g1, uid(i));
    const ws1 = range(1, 3_000);
    const ws2 = range(301, 1_800);
    const config = [
      'version: 1',
      'safety: { max_removal_percent: 100 }',
      'workspaces:',
      '  ws-001:',
      `    members: [${ws1.map(email).join(', ')}]`,
      '    guardrails:',
      `      Guardrail 1: [${ws1.slice(0, 1_000).map(email).join(', ')}]`,
      `      Guardrail 2: [${ws1.slice(1_000, 1_500).map(email).join(', ')}]`,
      '  ws-002:',
      `    members: [${ws2.map(email).join(', ')}]`,
      '    guardrails:',
      `      Guardrail 1: [${ws2.slice(0, 200).map(email).join(', ')}]`,
      `      Guardrail 2: [${ws2.slice(200, 700).map(email).join(', ')}]`,
    ].join('\n');
    const cwd = workdir({ 'gatesync.yaml': config });
    const env = simulatorEnv(sim);
    // At this fault rate a request may fail more than the default 5 times in a row: every run here allows 12 retries.
    const planned = await runGatesync(['plan', '--format', 'json', '--max-retries', '12'], { cwd, env });
    const summary = JSON.parse(planned.stdout).summary;
    expect(summary.total).toBeGreaterThanOrEqual(5_000);
    sim.stats.reset();

    const started = performance.now();
    const applied = await runGatesync(['apply', '--yes', '--max-retries', '12'], { cwd, env });
    const seconds = (performance.now() - started) / 1000;
    const faultShare = sim.stats.faultsInjected / sim.stats.requests;
    console.log(
      `soak: ${summary.total} changes, ${sim.stats.requests} requests, ${sim.stats.faultsInjected} faulted (${(faultShare * 100).toFixed(1)} %: ${JSON.stringify(sim.stats.faultsByKind)}), ${seconds.toFixed(2)} s, exit ${applied.code}`,
    );
    expect(applied.code, applied.stdout.slice(-2_000) + applied.stderr).toBe(0);
    expect(faultShare).toBeGreaterThan(0.15);

    const snapshot = sim.store.snapshot();
    const id = (slug: string) => sim.store.findWorkspace(slug)!.id;
    const g = (slug: string, name: string) => sim.store.guardrailByName(slug, name).id;
    expect(snapshot.workspaceMembers[id('ws-001')]).toEqual(ws1.map(uid).sort());
    expect(snapshot.workspaceMembers[id('ws-002')]).toEqual(ws2.map(uid).sort());
    expect(snapshot.assignments[g('ws-001', 'Guardrail 1')]).toEqual(ws1.slice(0, 1_000).map(uid).sort());
    expect(snapshot.assignments[g('ws-001', 'Guardrail 2')]).toEqual(ws1.slice(1_000, 1_500).map(uid).sort());
    expect(snapshot.assignments[g('ws-002', 'Guardrail 1')]).toEqual(ws2.slice(0, 200).map(uid).sort());
    expect(snapshot.assignments[g('ws-002', 'Guardrail 2')]).toEqual(ws2.slice(200, 700).map(uid).sort());
    expect(sim.stats.violations).toEqual([]);

    const again = await runGatesync(['plan', '--detailed-exitcode', '--max-retries', '12'], { cwd, env });
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
  }, 120_000);
});
