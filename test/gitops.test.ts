/** Saved plans, drift checks, export round trip, groups and --workspace, over real HTTP. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleState, generateOrg, type RunningSimulator } from '../src/simulator/index.js';
import { email, range, uid, simulatorPerTest } from './support/org.js';
import { runGatesync, simulatorEnv, workdir } from './support/cli.js';


let simulator: RunningSimulator | undefined;
const start = simulatorPerTest();

async function org(): Promise<RunningSimulator> {
  simulator = await start({
    state: generateOrg({ members: 30, workspaces: 2, guardrailsPerWorkspace: 2, membershipsPerWorkspace: 0, assignedShare: 0, seed: 1 }),
  });
  for (let i = 1; i <= 10; i++) simulator.store.addWorkspaceMember('ws-001', uid(i));
  for (let i = 1; i <= 10; i++) simulator.store.addWorkspaceMember('ws-002', uid(i));
  return simulator;
}
const membersConfig = (ws1: number[], ws2: number[]) => `version: 1
workspaces:
  ws-001:
    members: [${ws1.map(email).join(', ')}]
  ws-002:
    members: [${ws2.map(email).join(', ')}]
`;

describe('saved plans', () => {
  it('applies exactly the saved changes while nothing changed', async () => {
    const sim = await org();
    const cwd = workdir({ 'gatesync.yaml': membersConfig(range(1, 12), range(1, 10)) });
    const env = simulatorEnv(sim);
    const planned = await runGatesync(['plan', '--out', 'plan.json'], { cwd, env });
    expect(planned.code).toBe(0);
    const saved = JSON.parse(readFileSync(join(cwd, 'plan.json'), 'utf8'));
    expect(saved.format_version).toBe(2);
    expect(saved.changes.map((c: { userId: string }) => c.userId)).toEqual([uid(11), uid(12)]);
    expect(readFileSync(join(cwd, 'plan.json'), 'utf8')).not.toContain(sim.apiKey);

    const applied = await runGatesync(['apply', 'plan.json', '--yes'], { cwd, env });
    expect(applied.code).toBe(0);
    expect(sim.store.isWorkspaceMember('ws-001', uid(12))).toBe(true);
  });

  it('refuses when the organization changed since the plan was made, and writes nothing', async () => {
    const sim = await org();
    const cwd = workdir({ 'gatesync.yaml': membersConfig(range(1, 12), range(1, 10)) });
    const env = simulatorEnv(sim);
    await runGatesync(['plan', '--out', 'plan.json'], { cwd, env });
    sim.store.addWorkspaceMember('ws-001', uid(20));
    sim.store.removeWorkspaceMember('ws-001', uid(3));
    sim.store.addWorkspaceMember('ws-001', uid(21));
    sim.stats.reset();

    const applied = await runGatesync(['apply', 'plan.json', '--yes'], { cwd, env });
    expect(applied.code).toBe(1);
    expect(applied.stderr).toContain('the organization changed since this plan was made (workspace ws-001: 3 members differ); run plan again');
    expect(sim.stats.writes).toBe(0);
  });

  it('applies a saved plan against the file it was made from when -c is not given', async () => {
    const sim = await org();
    const cwd = workdir({ 'members.yaml': membersConfig(range(1, 11), range(1, 10)) });
    const env = simulatorEnv(sim);
    expect((await runGatesync(['plan', '-c', 'members.yaml', '--out', 'plan.json'], { cwd, env })).code).toBe(0);
    const applied = await runGatesync(['apply', 'plan.json', '--yes'], { cwd, env });
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(sim.store.isWorkspaceMember('ws-001', uid(11))).toBe(true);
  });

  it('refuses when the file changed since the plan was made', async () => {
    const sim = await org();
    const cwd = workdir({ 'gatesync.yaml': membersConfig(range(1, 12), range(1, 10)) });
    const env = simulatorEnv(sim);
    await runGatesync(['plan', '--out', 'plan.json'], { cwd, env });
    writeFileSync(join(cwd, 'gatesync.yaml'), membersConfig(range(1, 13), range(1, 10)));
    sim.stats.reset();
    const applied = await runGatesync(['apply', 'plan.json', '--yes'], { cwd, env });
    expect(applied.code).toBe(1);
    expect(applied.stderr).toContain('changed since this plan was made');
    expect(sim.stats.writes).toBe(0);
  });
});

describe('files the user names', () => {
  it('a plan file that cannot be written is a plain error', async () => {
    const sim = await org();
    const cwd = workdir({ 'gatesync.yaml': membersConfig(range(1, 11), range(1, 10)) });
    const run = await runGatesync(['plan', '--out', 'missing-dir/plan.json'], { cwd, env: simulatorEnv(sim) });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^gatesync: cannot write --out .*missing-dir\/plan\.json: ENOENT\n$/);
  });
});

describe('drift detection', () => {
  it('plan --detailed-exitcode: 0 in sync, 2 on drift, with a JSON summary', async () => {
    const sim = await org();
    const cwd = workdir({ 'gatesync.yaml': membersConfig(range(1, 10), range(1, 10)) });
    const env = simulatorEnv(sim);
    expect((await runGatesync(['plan', '--detailed-exitcode'], { cwd, env })).code).toBe(0);
    sim.store.addWorkspaceMember('ws-002', uid(25));
    const drift = await runGatesync(['plan', '--detailed-exitcode', '--format', 'json'], { cwd, env });
    expect(drift.code).toBe(2);
    expect(JSON.parse(drift.stdout).summary).toMatchObject({ remove: 1, total: 1, workspaces: 1 });
  });

  it('appends the markdown plan to GITHUB_STEP_SUMMARY', async () => {
    const sim = await org();
    const cwd = workdir({ 'gatesync.yaml': membersConfig(range(1, 11), range(1, 10)), 'summary.md': '' });
    await runGatesync(['plan'], { cwd, env: { ...simulatorEnv(sim), GITHUB_STEP_SUMMARY: join(cwd, 'summary.md') } });
    expect(readFileSync(join(cwd, 'summary.md'), 'utf8')).toContain('### gatesync plan');
  });
});

describe('--workspace', () => {
  it('limits plan and apply to the named workspaces of the file', async () => {
    const sim = await org();
    const cwd = workdir({ 'gatesync.yaml': membersConfig(range(1, 11), range(1, 12)) });
    const env = simulatorEnv(sim);
    const planned = await runGatesync(['plan', '--workspace', 'ws-002'], { cwd, env });
    expect(planned.stdout).toContain('workspace ws-002');
    expect(planned.stdout).not.toContain('workspace ws-001');
    expect(sim.stats.byRoute['GET /workspaces/{id}/members']).toBe(1);
    await runGatesync(['apply', '--yes', '--workspace', 'ws-002'], { cwd, env });
    expect(sim.store.isWorkspaceMember('ws-002', uid(12))).toBe(true);
    expect(sim.store.isWorkspaceMember('ws-001', uid(11))).toBe(false);
    const unknown = await runGatesync(['plan', '--workspace', 'ws-009'], { cwd, env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('ws-009');
  });
});

describe('export', () => {
  it('round-trips: export, then plan shows no changes', async () => {
    simulator = await start({ state: exampleState() });
    const cwd = workdir();
    const env = simulatorEnv(simulator);
    const exported = await runGatesync(['export', '-o', 'gatesync.yaml'], { cwd, env });
    expect(exported.code).toBe(0);
    const text = readFileSync(join(cwd, 'gatesync.yaml'), 'utf8');
    expect(text).toMatch(/^# yaml-language-server: \$schema=/);
    expect(text).toMatch(/- \S+@corp\.example\s+# \S+/);
    expect((await runGatesync(['validate'], { cwd, env })).code).toBe(0);
    const planned = await runGatesync(['plan', '--detailed-exitcode'], { cwd, env });
    expect(planned.stderr).toBe('');
    expect(planned.code).toBe(0);
  });

  it('exports only the named workspaces', async () => {
    const sim = await org();
    const exported = await runGatesync(['export', '--workspace', 'ws-002'], { env: simulatorEnv(sim) });
    expect(exported.stdout).toContain('ws-002:');
    expect(exported.stdout).not.toContain('ws-001:');
    expect(exported.stdout).toContain(`- ${email(10)}  # Member 10`);
  });
});

describe('groups', () => {
  it('expands nested groups and shows which group brought a member in', async () => {
    const sim = await org();
    const cwd = workdir({
      'gatesync.yaml': `version: 1
groups:
  ml-team: [${email(1)}, group:interns]
  interns: [${email(15)}]
workspaces:
  ws-001:
    members: [${range(2, 10).map(email).join(', ')}, group:ml-team]
`,
    });
    const planned = await runGatesync(['plan'], { cwd, env: simulatorEnv(sim) });
    expect(planned.stdout).toContain(`+ ${email(15)} (${uid(15)})  (via group ml-team`);
    expect(planned.stdout).toContain('Plan: 1 to add, in 1 workspace.');
  });
});
