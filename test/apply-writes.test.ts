/**
 * Writes over real HTTP: batch bounds, refused removals in every form the API
 * may use, and the read-back of answers that prove nothing.
 */
import { describe, expect, it } from 'vitest';
import { HttpProvider } from '../src/providers/http-provider.js';
import { generateOrg, type RefusalMode, type RunningSimulator, type SimulatorOptions } from '../src/simulator/index.js';
import { email, range, simulatorPerTest, uid } from './support/org.js';
import { runGatesync, simulatorEnv, workdir } from './support/cli.js';

const start = simulatorPerTest();

/** An org of `members` people and two empty workspaces ws-001, ws-002 with Guardrail 1..3 each. */
function emptyOrg(members: number, options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const state = generateOrg({ members, workspaces: 2, guardrailsPerWorkspace: 3, membershipsPerWorkspace: 0, assignedShare: 0, seed: 1 });
  return start({ state, ...options });
}
const guardrailId = (sim: RunningSimulator, name: string) => sim.store.guardrailByName('ws-001', name).id;
const writesTo = (sim: RunningSimulator, suffix: string) => sim.stats.log.filter((w) => w.path.endsWith(suffix));

describe('batches', () => {
  it('sends membership calls of 1 to 100 ids whatever --batch-size says; assignment calls follow --batch-size', async () => {
    const sim = await emptyOrg(160);
    const config = `version: 1\nworkspaces:\n  ws-001:\n    members: [${range(1, 150).map(email).join(', ')}]\n    guardrails:\n      Guardrail 1: [${range(1, 150).map(email).join(', ')}]\n`;
    const cwd = workdir({ 'gatesync.yaml': config });
    const applied = await runGatesync(['apply', '--yes', '--batch-size', '500'], { cwd, env: simulatorEnv(sim) });
    expect(applied.code).toBe(0);
    const adds = writesTo(sim, '/members/add');
    expect(adds.map((w) => w.userIds!.length).sort()).toEqual([100, 50]);
    expect(adds.every((w) => w.status === 200)).toBe(true);
    expect(writesTo(sim, '/assignments/members').map((w) => w.userIds!.length)).toEqual([150]);
    expect(sim.store.snapshot().workspaceMembers[sim.store.findWorkspace('ws-001')!.id]).toHaveLength(150);
  });

  it('splits assignment calls the server finds too large', async () => {
    const sim = await emptyOrg(30, { maxBatch: 8 });
    for (const i of range(1, 20)) sim.store.addWorkspaceMember('ws-001', uid(i));
    const cwd = workdir({ 'gatesync.yaml': `version: 1\nworkspaces:\n  ws-001:\n    guardrails:\n      Guardrail 2: [${range(1, 20).map(email).join(', ')}]\n` });
    const applied = await runGatesync(['apply', '--yes'], { cwd, env: simulatorEnv(sim) });
    expect(applied.code).toBe(0);
    expect(sim.store.snapshot().assignments[guardrailId(sim, 'Guardrail 2')]).toHaveLength(20);
    const accepted = writesTo(sim, '/assignments/members').filter((w) => w.status === 200);
    expect(accepted.every((w) => w.userIds!.length <= 8 && w.userIds!.length >= 1)).toBe(true);
  });

  it('the simulator answers 400 to an empty list and to more than 100 user_ids', async () => {
    const sim = await emptyOrg(120);
    const workspace = sim.store.findWorkspace('ws-001')!.id;
    const post = (path: string, body: unknown) =>
      fetch(`${sim.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${sim.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post(`/workspaces/${workspace}/members/add`, { user_ids: [] })).status).toBe(400);
    expect((await post(`/workspaces/${workspace}/members/add`, { user_ids: range(1, 101).map(uid) })).status).toBe(400);
    expect((await post(`/workspaces/${workspace}/members/add`, { user_ids: range(1, 100).map(uid) })).status).toBe(200);
    expect((await post(`/guardrails/${guardrailId(sim, 'Guardrail 1')}/assignments/members`, { member_user_ids: [] })).status).toBe(400);
  });

  it('the simulator refuses a refusal mode it does not know, naming the field', async () => {
    await expect(emptyOrg(5, { refusal: { status: 401 as 400 } })).rejects.toThrow('refusal.status must be one of 400, 403, got 401');
  });
});

/**
 * ws-001 has members 1–6; 1 and 6 stay. 2 and 3 hold Guardrail 1, 3 holds
 * active API keys, 4 is SCIM-managed: 2–5 are to leave, 3 and 4 cannot.
 */
async function refusalScenario(options: SimulatorOptions) {
  const sim = await emptyOrg(10, options);
  for (const i of range(1, 6)) sim.store.addWorkspaceMember('ws-001', uid(i));
  sim.store.assign(guardrailId(sim, 'Guardrail 1'), uid(2));
  sim.store.assign(guardrailId(sim, 'Guardrail 1'), uid(3));
  sim.store.setActiveApiKeys('ws-001', uid(3), true);
  sim.store.setScimManaged(uid(4), true);
  const cwd = workdir({ 'gatesync.yaml': `version: 1\nworkspaces:\n  ws-001:\n    members: [${email(1)}, ${email(6)}]\n` });
  return { sim, cwd, env: simulatorEnv(sim) };
}

describe('refused removals', () => {
  const modes: RefusalMode[] = [];
  for (const status of [400, 403] as const) {
    for (const naming of ['metadata', 'message', 'none'] as const) modes.push({ status, scope: 'batch', naming });
  }
  modes.push({ scope: 'member' });

  it.each(modes)('refusal %o: the rest is applied, each refused member named with the reason, the guardrail given back, exit 1', async (refusal) => {
    const { sim, cwd, env } = await refusalScenario({ refusal });
    const applied = await runGatesync(['apply', '--yes', '--allow-destructive'], { cwd, env });
    expect(applied.code).toBe(1);
    const workspace = sim.store.findWorkspace('ws-001')!.id;
    expect(sim.store.snapshot().workspaceMembers[workspace]).toEqual([1, 3, 4, 6].map(uid));
    expect(sim.store.snapshot().assignments[guardrailId(sim, 'Guardrail 1')]).toEqual([uid(3)]);
    const lines = applied.stdout.split('\n');
    for (const i of [3, 4]) {
      const line = lines.find((l) => l.includes(email(i)) && /^\s+(refused|not applied):/.test(l));
      expect(line, `${email(i)} in\n${applied.stdout}`).toBeDefined();
      expect(line).toMatch(/active API keys|SCIM/);
    }
    expect(applied.stdout).toContain(`restored: guardrail Guardrail 1 for ${uid(3)}`);
    expect(applied.stdout).not.toContain('permission problem');

    const again = await runGatesync(['plan', '--detailed-exitcode', '--allow-destructive'], { cwd, env });
    expect(again.code).toBe(2);
    expect(again.stdout).toMatch(/2 to remove/);
  });

  it('runs a removal batch taken for forbidden again once another batch of the workspace went through', async () => {
    const sim = await emptyOrg(10, { refusal: { status: 403, naming: 'none' } });
    for (const i of range(1, 6)) sim.store.addWorkspaceMember('ws-001', uid(i));
    sim.store.setActiveApiKeys('ws-001', uid(3), true);
    sim.store.setScimManaged(uid(4), true);
    const cwd = workdir({ 'gatesync.yaml': `version: 1\nworkspaces:\n  ws-001:\n    members: [${email(1)}, ${email(2)}]\n` });
    const args = ['apply', '--yes', '--allow-destructive', '--batch-size', '2', '--concurrency', '1'];
    const applied = await runGatesync(args, { cwd, env: simulatorEnv(sim) });
    expect(applied.code).toBe(1);
    expect(applied.stdout).not.toContain('permission problem');
    expect(applied.stdout.match(/refused: /g)).toHaveLength(2);
    expect(sim.store.snapshot().workspaceMembers[sim.store.findWorkspace('ws-001')!.id]).toEqual([1, 2, 3, 4].map(uid));
  });

  it('probes a removal-only 403 naming nobody a few members at a time, not by bisection', async () => {
    const sim = await emptyOrg(30, { readOnlyApiKeys: ['read-only-key'] });
    for (const i of range(1, 20)) sim.store.addWorkspaceMember('ws-001', uid(i));
    const cwd = workdir({ 'gatesync.yaml': `version: 1\nworkspaces:\n  ws-001:\n    members: [${email(1)}]\n` });
    const env = { ...simulatorEnv(sim), MODELGATES_API_KEY: 'read-only-key' };
    sim.stats.reset();
    const applied = await runGatesync(['apply', '--yes', '--allow-destructive'], { cwd, env });
    expect(applied.code).toBe(1);
    expect(applied.stdout).toContain('permission problem');
    expect(applied.stdout).not.toMatch(/refused:/);
    // The batch, three members alone, then the other sixteen: never the 37 calls of a bisection.
    expect(writesTo(sim, '/members/remove').map((w) => w.userIds!.length)).toEqual([19, 1, 1, 1, 16]);
    expect(sim.store.snapshot().workspaceMembers[sim.store.findWorkspace('ws-001')!.id]).toHaveLength(20);
  });
});

describe('verification', () => {
  it('names a removal the server skips with a 200, exits 1, and the next plan still shows it', async () => {
    const sim = await emptyOrg(10, { skipRemovalOf: [uid(5)] });
    for (const i of range(1, 6)) sim.store.addWorkspaceMember('ws-001', uid(i));
    const cwd = workdir({ 'gatesync.yaml': `version: 1\nworkspaces:\n  ws-001:\n    members: [${range(1, 3).map(email).join(', ')}]\n` });
    const env = simulatorEnv(sim);
    const applied = await runGatesync(['apply', '--yes', '--allow-destructive', '--verbose'], { cwd, env });
    expect(applied.code).toBe(1);
    expect(applied.stdout).toMatch(new RegExp(`not applied: \\S*${email(5)}.* — expected no longer a member of workspace ws-001`));
    expect(applied.stdout).toContain('Verification: 1 resource(s) read back in 1 request(s).');
    expect(applied.stdout).not.toContain(email(4) + ' —');
    const again = await runGatesync(['plan', '--allow-destructive'], { cwd, env });
    expect(again.stdout).toContain('Plan: 1 to remove, in 1 workspace.');
    expect(again.stdout).toContain(email(5));
  });

  it('reports the count the server answered and how many attempts a write took', async () => {
    const sim = await emptyOrg(12, { faults: { 503: 0.5 }, seed: 3 });
    const provider = new HttpProvider({ baseUrl: sim.url, apiKey: sim.apiKey, maxRetries: 20, random: () => 0 });
    try {
      const workspace = sim.store.findWorkspace('ws-001')!.id;
      const results = [];
      for (const i of range(1, 8)) results.push(await provider.addWorkspaceMembers(workspace, [uid(i), uid(i + 1)]));
      const attempts = range(1, 8).map((i) => sim.stats.log.filter((w) => w.userIds?.[0] === uid(i)).length);
      expect(results.map((r) => r.attempts)).toEqual(attempts);
      expect(attempts.some((n) => n > 1)).toBe(true);
      // Each call after the first finds one of its two members already there.
      expect(results.map((r) => r.count)).toEqual([2, 1, 1, 1, 1, 1, 1, 1]);
    } finally {
      await provider.close();
    }
  });

  it('costs no request when every count adds up, and reads back every resource with --verify', async () => {
    const sim = await emptyOrg(10);
    for (const i of range(1, 4)) sim.store.addWorkspaceMember('ws-001', uid(i));
    const config = `version: 1\nworkspaces:\n  ws-001:\n    members: [${range(1, 3).map(email).join(', ')}, ${email(7)}]\n    guardrails:\n      Guardrail 1: [${email(1)}, ${email(7)}]\n`;
    const env = simulatorEnv(sim);
    const plain = await runGatesync(['apply', '--yes', '--allow-destructive', '--verbose'], { cwd: workdir({ 'gatesync.yaml': config }), env });
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('Verification: 0 resource(s) read back in 0 request(s).');

    sim.store.unassign(guardrailId(sim, 'Guardrail 1'), uid(7));
    sim.store.removeWorkspaceMember('ws-001', uid(7));
    sim.stats.reset();
    const verified = await runGatesync(['apply', '--yes', '--verify', '--verbose'], { cwd: workdir({ 'gatesync.yaml': config }), env });
    expect(verified.code).toBe(0);
    // ws-001 after the add, Guardrail 1 after the assign.
    expect(verified.stdout).toContain('Verification: 2 resource(s) read back in 2 request(s).');
    const lastWrite = Math.max(...sim.stats.log.map((w) => w.seq));
    expect(sim.stats.requests).toBeGreaterThan(lastWrite);
  });
});
