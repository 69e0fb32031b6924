/** The safety guards end to end: exit codes, no writes when refused, overrides. */
import { describe, expect, it } from 'vitest';
import { generateOrg, type RunningSimulator } from '../src/simulator/index.js';
import { email, range, uid, simulatorPerTest } from './support/org.js';
import { runGatesync, simulatorEnv, workdir } from './support/cli.js';


let simulator: RunningSimulator | undefined;
const start = simulatorPerTest();

async function hundredMembers(): Promise<RunningSimulator> {
  simulator = await start({
    state: generateOrg({ members: 120, workspaces: 1, guardrailsPerWorkspace: 2, membershipsPerWorkspace: 0, assignedShare: 0, seed: 1 }),
  });
  for (let i = 1; i <= 100; i++) simulator.store.addWorkspaceMember('ws-001', uid(i));
  simulator.stats.reset();
  return simulator;
}

describe('removal thresholds', () => {
  it('a plan removing 30 of 100 members exits 3, prints the plan and the reason, and writes nothing', async () => {
    const sim = await hundredMembers();
    const cwd = workdir({ 'gatesync.yaml': `version: 1\nworkspaces:\n  ws-001:\n    members: [${range(31, 100).map(email).join(', ')}]\n` });
    const env = simulatorEnv(sim);
    for (const command of [['plan'], ['apply', '--yes']]) {
      const run = await runGatesync(command, { cwd, env });
      expect(run.code).toBe(3);
      expect(run.stdout).toContain('Plan: 30 to remove, in 1 workspace.');
      expect(run.stderr).toContain('workspace ws-001: removes 30 of 100 members (30.0%); the limit is 25%');
      expect(run.stderr).toContain('--allow-destructive');
    }
    expect(sim.stats.writes).toBe(0);

    const forced = await runGatesync(['apply', '--yes', '--allow-destructive'], { cwd, env });
    expect(forced.code).toBe(0);
    expect(sim.store.isWorkspaceMember('ws-001', uid(1))).toBe(false);
  });

  it('takes limits from the safety block, overridden per workspace', async () => {
    const sim = await hundredMembers();
    const env = simulatorEnv(sim);
    const members = range(31, 100).map(email).join(', ');
    const strict = workdir({ 'gatesync.yaml': `version: 1\nsafety:\n  max_removals: 10\n  max_removal_percent: 50\nworkspaces:\n  ws-001:\n    members: [${members}]\n` });
    const refused = await runGatesync(['plan'], { cwd: strict, env });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('30 removals and unassigns; the limit is max_removals 10');
    const relaxed = workdir({
      'gatesync.yaml': `version: 1\nworkspaces:\n  ws-001:\n    safety: { max_removal_percent: 40 }\n    members: [${members}]\n`,
    });
    expect((await runGatesync(['plan'], { cwd: relaxed, env })).code).toBe(0);
  });
});

describe('protected members and additive mode', () => {
  it('protected members survive being deleted from the file', async () => {
    const sim = await hundredMembers();
    const cwd = workdir({
      'gatesync.yaml': `version: 1\nprotected: [${email(1)}]\nworkspaces:\n  ws-001:\n    protected: [${email(2)}]\n    members: [${range(5, 100).map(email).join(', ')}]\n`,
    });
    const run = await runGatesync(['apply', '--yes'], { cwd, env: simulatorEnv(sim) });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`= ${email(1)} (${uid(1)})  kept (protected)`);
    expect(sim.store.isWorkspaceMember('ws-001', uid(1))).toBe(true);
    expect(sim.store.isWorkspaceMember('ws-001', uid(2))).toBe(true);
    expect(sim.store.isWorkspaceMember('ws-001', uid(3))).toBe(false);
  });

  it('prune: false never removes or unassigns', async () => {
    const sim = await hundredMembers();
    const g1 = sim.store.guardrailByName('ws-001', 'Guardrail 1').id;
    for (let i = 1; i <= 20; i++) sim.store.assign(g1, uid(i));
    sim.stats.reset();
    const cwd = workdir({
      'gatesync.yaml': `version: 1\nworkspaces:\n  ws-001:\n    prune: false\n    members: [${email(101)}]\n    guardrails:\n      Guardrail 1:\n        members: [${email(101)}]\n        prune: false\n`,
    });
    const run = await runGatesync(['apply', '--yes'], { cwd, env: simulatorEnv(sim) });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('not in the file (kept)');
    expect(run.stdout).toContain('Plan: 1 to add, 1 to assign, in 1 workspace.');
    expect(sim.stats.log.map((w) => w.route)).toEqual(['POST /workspaces/{id}/members/add', 'POST /guardrails/{id}/assignments/members']);
  });
});

describe('empty input', () => {
  it('members: [] needs allow_empty, and a file that manages nothing says so', async () => {
    const sim = await hundredMembers();
    const env = simulatorEnv(sim);
    const empty = await runGatesync(['plan'], { cwd: workdir({ 'gatesync.yaml': 'version: 1\nworkspaces:\n  ws-001:\n    members: []\n' }), env });
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/gatesync\.yaml:4:5: error: `members` is empty[^\n]*\n  hint: set `allow_empty: true`/);
    const nothing = await runGatesync(['plan'], { cwd: workdir({ 'gatesync.yaml': 'version: 1\nworkspaces: {}\n' }), env });
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toContain('manages nothing');
    expect(sim.stats.writes).toBe(0);
  });
});
