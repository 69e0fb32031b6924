/**
 * The whole loop over real HTTP: the CLI against the API simulator on an
 * ephemeral loopback port.
 */
import { describe, expect, it } from 'vitest';
import { generateOrg, type RunningSimulator } from '../src/simulator/index.js';
import { email, uid, simulatorPerTest } from './support/org.js';
import { runGatesync, simulatorEnv, workdir } from './support/cli.js';

const list = (indent: string, ids: number[]) => ids.map((i) => `${indent}- ${email(i)}`).join('\n');

let simulator: RunningSimulator | undefined;
const start = simulatorPerTest();

/** An org of `members` people and two empty workspaces ws-001, ws-002 with Guardrail 1..3 each. */
async function emptyOrg(members: number): Promise<RunningSimulator> {
  simulator = await start({
    state: generateOrg({ members, workspaces: 2, guardrailsPerWorkspace: 3, membershipsPerWorkspace: 0, assignedShare: 0, seed: 1 }),
  });
  return simulator;
}
const guardrailId = (sim: RunningSimulator, ws: string, name: string) => sim.store.guardrailByName(ws, name).id;

describe('plan → apply → plan', () => {
  it('converges to no changes over several pages of members', async () => {
    const sim = await emptyOrg(450);
    for (let i = 1; i <= 320; i++) sim.store.addWorkspaceMember('ws-001', uid(i));
    for (let i = 1; i <= 150; i++) sim.store.assign(guardrailId(sim, 'ws-001', 'Guardrail 1'), uid(i));
    for (let i = 1; i <= 230; i++) sim.store.addWorkspaceMember('ws-002', uid(i));

    const wanted = Array.from({ length: 400 }, (_, i) => i + 1).filter((i) => i % 7 !== 0);
    const config = [
      'version: 1',
      'workspaces:',
      '  ws-001:',
      '    members:',
      list('      ', wanted),
      '    guardrails:',
      '      Guardrail 1:',
      list('        ', wanted.filter((i) => i > 100 && i <= 260)),
      '      Guardrail 2:',
      list('        ', wanted.filter((i) => i > 260)),
      '  ws-002:',
      '    guardrails:',
      '      Guardrail 3:',
      list('        ', Array.from({ length: 210 }, (_, i) => i + 1)),
    ].join('\n');
    const cwd = workdir({ 'gatesync.yaml': config });
    const env = simulatorEnv(sim);

    const first = await runGatesync(['plan', '--detailed-exitcode', '--allow-destructive'], { cwd, env });
    expect(first.stderr).toMatch(/^gatesync: warning: --allow-destructive overrides 1 safety limit:\n  - guardrail Guardrail 1 \(workspace ws-001\): unassigns 107 of 150 members[^\n]*\n$/);
    expect(first.code).toBe(2);
    expect(first.stdout).toMatch(/Plan: 68 to add, 45 to remove, 424 to assign, 107 to unassign, in 2 workspaces\./);

    const applied = await runGatesync(['apply', '--yes', '--allow-destructive'], { cwd, env });
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('Apply complete');
    expect(sim.stats.violations).toEqual([]);

    const again = await runGatesync(['plan', '--detailed-exitcode'], { cwd, env });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('No changes');
    const snapshot = sim.store.snapshot();
    const ws1 = sim.store.findWorkspace('ws-001')!.id;
    expect(snapshot.workspaceMembers[ws1]).toEqual(wanted.map(uid).sort());
    expect(snapshot.assignments[guardrailId(sim, 'ws-002', 'Guardrail 3')]).toHaveLength(210);
  });
});

describe('apply', () => {
  /** Adds, removes, assigns, unassigns and moves in two workspaces. */
  async function scenario() {
    const sim = await emptyOrg(12);
    for (let i = 1; i <= 6; i++) sim.store.addWorkspaceMember('ws-001', uid(i));
    sim.store.assign(guardrailId(sim, 'ws-001', 'Guardrail 1'), uid(1));
    sim.store.assign(guardrailId(sim, 'ws-001', 'Guardrail 1'), uid(2));
    sim.store.assign(guardrailId(sim, 'ws-001', 'Guardrail 2'), uid(3));
    sim.store.assign(guardrailId(sim, 'ws-001', 'Guardrail 3'), uid(5));
    for (let i = 1; i <= 3; i++) sim.store.addWorkspaceMember('ws-002', uid(i));
    sim.store.assign(guardrailId(sim, 'ws-002', 'Guardrail 1'), uid(1));
    sim.store.assign(guardrailId(sim, 'ws-002', 'Guardrail 3'), uid(2));
    const config = `version: 1
workspaces:
  ws-001:
    members: [${[1, 2, 3, 4, 7, 8, 9].map(email).join(', ')}]
    guardrails:
      Guardrail 1: [${email(3)}, ${email(7)}]
      Guardrail 2: [${email(1)}]
  ws-002:
    members: [${[1, 2, 10].map(email).join(', ')}]
    guardrails:
      Guardrail 1: [${email(2)}, ${email(10)}]
`;
    sim.stats.reset();
    return { sim, cwd: workdir({ 'gatesync.yaml': config }), env: simulatorEnv(sim) };
  }

  it('makes the minimum number of write calls, in phase order, and converges', async () => {
    const { sim, cwd, env } = await scenario();
    const planned = await runGatesync(['plan', '--format', 'json', '--allow-destructive'], { cwd, env });
    expect(JSON.parse(planned.stdout).summary).toEqual({ add: 4, remove: 3, assign: 2, unassign: 3, move: 3, assignKeys: 0, unassignKeys: 0, moveKeys: 0, workspaces: 2, total: 15 });
    sim.stats.reset();

    const applied = await runGatesync(['apply', '--yes', '--batch-size', '2', '--allow-destructive'], { cwd, env });
    expect(applied.code).toBe(0);
    // ws-001: add 3 (2 calls of 2), assign G1 {3,7} + G2 {1} (2 calls), unassign G1 {2} + G3 {5 leaving} (2), remove {5,6} (1)
    // ws-002: add {10} (1), assign G1 {2 moving, 10} (1), unassign G1 {1} (1), remove {3} (1)
    expect(sim.stats.writes).toBe(11);
    expect(sim.stats.violations).toEqual([]);

    const writes = sim.stats.log;
    const unassignedFrom = (guardrail: string) =>
      writes.filter((w) => w.path.endsWith(`${guardrail}/assignments/members/remove`)).flatMap((w) => w.userIds ?? []);
    // Moves are one assign: nobody who moved was unassigned from where they came from.
    expect(unassignedFrom(guardrailId(sim, 'ws-001', 'Guardrail 2'))).not.toContain(uid(3));
    expect(unassignedFrom(guardrailId(sim, 'ws-002', 'Guardrail 3'))).not.toContain(uid(2));

    const again = await runGatesync(['plan', '--detailed-exitcode'], { cwd, env });
    expect(again.code).toBe(0);
  });

  it('never assigns before the add or removes before the unassign of the same workspace', async () => {
    const { sim, cwd, env } = await scenario();
    await runGatesync(['apply', '--yes', '--batch-size', '1', '--concurrency', '8', '--allow-destructive'], { cwd, env });
    const writes = sim.stats.log;
    expect(writes.length).toBeGreaterThan(10);
    const workspaceOf = (path: string) => {
      const guardrail = /\/guardrails\/([^/]+)\//.exec(path)?.[1];
      if (guardrail) return sim.store.findGuardrail(guardrail)!.workspaceId;
      return /\/workspaces\/([^/]+)\//.exec(path)![1];
    };
    const kindOf = (path: string) =>
      path.endsWith('/members/add') ? 0 : path.endsWith('/assignments/members') ? 1 : path.endsWith('/assignments/members/remove') ? 2 : 3;
    for (const later of writes) {
      for (const earlier of writes) {
        if (workspaceOf(later.path) !== workspaceOf(earlier.path) || kindOf(earlier.path) >= kindOf(later.path)) continue;
        // Every call of an earlier phase ended before any call of a later phase started.
        expect(earlier.endedAt, `${earlier.path} before ${later.path}`).toBeLessThanOrEqual(later.startedAt);
      }
    }
  });

  it('moves cost one call', async () => {
    const sim = await emptyOrg(10);
    for (let i = 1; i <= 5; i++) {
      sim.store.addWorkspaceMember('ws-001', uid(i));
      sim.store.assign(guardrailId(sim, 'ws-001', 'Guardrail 1'), uid(i));
    }
    const cwd = workdir({
      'gatesync.yaml': `version: 1\nworkspaces:\n  ws-001:\n    guardrails:\n      Guardrail 2: [${[1, 2, 3, 4, 5].map(email).join(', ')}]\n`,
    });
    sim.stats.reset();
    const applied = await runGatesync(['apply', '--yes'], { cwd, env: simulatorEnv(sim) });
    expect(applied.stdout).toContain('moves from Guardrail 1 to Guardrail 2');
    expect(sim.stats.writes).toBe(1);
    expect(sim.stats.log[0]!.route).toBe('POST /guardrails/{id}/assignments/members');
    expect(sim.store.snapshot().assignments[guardrailId(sim, 'ws-001', 'Guardrail 1')]).toEqual([]);
  });

  it('needs --yes without a terminal, and asks for "yes" on one', async () => {
    const { sim, cwd, env } = await scenario();
    const refused = await runGatesync(['apply'], { cwd, env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--yes');
    const cancelled = await runGatesync(['apply', '--allow-destructive'], { cwd, env, stdinIsTTY: true, answer: 'y' });
    expect(cancelled.code).toBe(1);
    expect(cancelled.stderr).toContain('nothing was changed');
    expect(sim.stats.writes).toBe(0);
    const confirmed = await runGatesync(['apply', '--allow-destructive'], { cwd, env, stdinIsTTY: true, answer: 'yes' });
    expect(confirmed.code).toBe(0);
    expect(sim.stats.writes).toBeGreaterThan(0);
  });
});

describe('a key that may not write', () => {
  it('plans, then apply stops at the first write with a 403 named as such and nothing changed', async () => {
    const sim = await start({ readOnlyApiKeys: ['read-only-key'] });
    const cwd = workdir({ 'gatesync.yaml': `version: 1\nworkspaces:\n  research:\n    guardrails:\n      Daily cap: [alice@corp.example, bob@corp.example, carol@corp.example, niaj@corp.example]\n` });
    const env = { ...simulatorEnv(sim), MODELGATES_API_KEY: 'read-only-key' };
    const planned = await runGatesync(['plan'], { cwd, env });
    expect(planned.code).toBe(0);
    expect(planned.stdout).toContain('Plan: 1 to assign, in 1 workspace.');
    const applied = await runGatesync(['apply', '--yes'], { cwd, env });
    expect(applied.code).toBe(1);
    expect(applied.stdout).toMatch(/failed: 1 member\(s\) — POST \/guardrails\/\S+\/assignments\/members answered 403: This key may read/);
    expect(sim.store.snapshot().assignments[sim.store.guardrailByName('research', 'Daily cap').id]).not.toContain('user_2alice');
  });
});
