/**
 * The default workspace, default guardrails, guardrail listings and SCIM
 * mappings through the real CLI, over real HTTP against the simulator.
 */
import { describe, expect, it } from 'vitest';
import {
  EXAMPLE_GUARDRAIL_IDS as G,
  EXAMPLE_WORKSPACE_IDS as W,
  exampleState,
  exampleUserId as u,
  type RunningSimulator,
  type SimulatorState,
} from '../src/simulator/index.js';
import { runGatesync, simulatorEnv, workdir } from './support/cli.js';
import { defaultUnderAnotherSlug, unconfiguredResearchDefault, withoutDefaultWorkspace } from './support/default-workspace.js';
import { simulatorPerTest } from './support/org.js';
import { proxyPerTest } from './support/rewriting-proxy.js';

const start = simulatorPerTest();
const email = (handle: string) => `${handle}@corp.example`;
const RESEARCH = ['alice', 'bob', 'carol', 'dave', 'heidi', 'ivan', 'judy', 'niaj'];

function fileOf(...lines: string[]): string {
  return ['version: 1', 'workspaces:', ...lines].join('\n') + '\n';
}

async function gatesync(sim: { url: string; apiKey: string }, file: string, ...argv: string[]) {
  return runGatesync(argv, { cwd: workdir({ 'gatesync.yaml': file }), env: simulatorEnv(sim) });
}

/** Membership writes the simulator received, by workspace id. */
function membershipWrites(sim: RunningSimulator): string[] {
  return sim.stats.log.filter((entry) => entry.route.startsWith('POST /workspaces/')).map((entry) => entry.path.split('/')[4]!);
}

describe('the default workspace, whatever its slug', () => {
  it('refuses `members:` on the default workspace at its line, when its slug is not `default`', async () => {
    const sim = await start({ state: defaultUnderAnotherSlug() });
    const run = await gatesync(sim, fileOf('  general:', '    members: [alice@corp.example]'), 'plan');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('gatesync.yaml:4:5: error: workspace general is the default workspace: every organization member belongs to it');
    expect(sim.stats.writes).toBe(0);
  });

  it('manages an ordinary workspace keyed `default` and the real default workspace\'s guardrails, writing no membership there', async () => {
    const sim = await start({ state: defaultUnderAnotherSlug() });
    const file = fileOf(
      '  default:',
      '    members: [alice@corp.example, rupert@corp.example, sybil@corp.example, trent@corp.example, victor@corp.example, walter@corp.example, bob@corp.example]',
      '  general:',
      '    guardrails:',
      '      Contractors: [yara@corp.example, ops-bot@corp.example]',
    );
    const applied = await gatesync(sim, file, 'apply', '--yes');
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(sim.store.isWorkspaceMember('default', u('bob'))).toBe(true);
    expect(sim.store.snapshot().assignments[G.contractors]).toEqual([u('opsbot'), u('yara')]);
    expect(membershipWrites(sim)).toEqual([W.sandbox]);
    expect((await gatesync(sim, file, 'plan')).stdout).toContain('No changes.');
  });

  it('works in an organization without a default workspace', async () => {
    const sim = await start({ state: withoutDefaultWorkspace() });
    const file = fileOf('  default:', '    members: [trent@corp.example, walter@corp.example, yara@corp.example, bob@corp.example]');
    const planned = await gatesync(sim, file, 'plan');
    expect(planned.stdout).toContain('+ bob@corp.example');
    // Its members count fewer than the organization's: ruled out without a default-workspace listing (its own guardrail listing only).
    expect([sim.stats.byRoute['GET /guardrails'], sim.stats.byRoute['GET /keys']]).toEqual([1, undefined]);
    expect((await gatesync(sim, file, 'apply', '--yes')).code).toBe(0);
    expect(sim.store.isWorkspaceMember(W.default, u('bob'))).toBe(true);
  });

  it('refuses `members:` on a workspace holding everyone when no listing names a default workspace', async () => {
    const state = withoutDefaultWorkspace();
    state.workspaces[0]!.members = state.members.map((member) => member.id);
    const sim = await start({ state });
    const run = await gatesync(sim, fileOf('  default:', '    members: [alice@corp.example]'), 'plan');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('gatesync.yaml:4:5: error: workspace default may be the default workspace');
    expect([sim.stats.byRoute['GET /guardrails'], sim.stats.byRoute['GET /keys']]).toEqual([2, 1]);
    expect(sim.stats.writes).toBe(0);
  });

  it('is identified by its keys when none of its guardrails is configured', async () => {
    const state = defaultUnderAnotherSlug();
    state.guardrails = state.guardrails.filter((guardrail) => guardrail.workspace_id !== W.default);
    state.workspaces[0]!.keys = state.workspaces[0]!.keys!.map((key) => ({ ...key, guardrail_id: key.guardrail_id === G.legacyKeyBudget ? key.guardrail_id : null }));
    const sim = await start({ state });
    const run = await gatesync(sim, fileOf('  general:', '    members: [alice@corp.example]'), 'plan');
    expect(run.stderr).toContain('error: workspace general is the default workspace');
    expect(sim.stats.byRoute['GET /keys']).toBe(1);
  });
});

describe('default guardrails', () => {
  it('refuses a default guardrail named by UUID even before it is configured (it answers 404)', async () => {
    const sim = await start({ state: unconfiguredResearchDefault() });
    const run = await gatesync(sim, fileOf('  research:', '    guardrails:', `      ${G.researchDefault}: [bob@corp.example]`), 'plan');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`gatesync.yaml:5:7: error: ${G.researchDefault} is the default guardrail of workspace research`);
    expect(sim.stats.byRoute['GET /guardrails/{id}']).toBeUndefined();
  });
});

describe('answers that differ from the simulator\'s', () => {
  const proxy = proxyPerTest();

  it('drops, with a warning, a guardrail of another workspace carried by a workspace\'s listing', async () => {
    const sim = await start();
    sim.store.addWorkspaceMember('research', u('erin'));
    const production = (await (await fetch(`${sim.url}/guardrails/${G.production}`, { headers: { authorization: `Bearer ${sim.apiKey}` } })).json()) as { data: unknown };
    const baseUrl = await proxy(sim, (url, body) => {
      if (!url.pathname.endsWith('/guardrails') || url.searchParams.get('workspace_id') !== W.research) return undefined;
      const page = body as { data: unknown[]; total_count: number };
      return { data: [...page.data, production.data], total_count: page.total_count + 1 };
    });
    const env = { MODELGATES_BASE_URL: baseUrl, MODELGATES_API_KEY: sim.apiKey };
    const cwd = workdir({ 'gatesync.yaml': fileOf('  research:', `    members: [${RESEARCH.map(email).join(', ')}]`) });

    const planned = await runGatesync(['plan', '--format', 'json'], { cwd, env });
    const plan = JSON.parse(planned.stdout) as { changes: Array<{ kind: string; userId: string }>; warnings: string[] };
    expect(plan.changes.map((change) => [change.kind, change.userId])).toEqual([['remove-member', u('erin')]]);
    expect(plan.warnings).toEqual([
      `the guardrail listing of workspace research carried guardrail Production (${G.production}), which belongs to workspace ${W.platform}; it was left out of this workspace`,
    ]);

    expect((await runGatesync(['apply', '--yes'], { cwd, env })).code).toBe(0);
    expect(sim.store.snapshot().assignments[G.production]).toContain(u('erin'));
    expect(sim.stats.log.filter((entry) => entry.path.includes(G.production))).toEqual([]);
  });

  it('plans and applies when every optional field is absent and every nullable one null', async () => {
    const sim = await start();
    // api.md: optional fields may be absent, nullable ones null (names of members, who created or assigned).
    const OPTIONAL = ['description', 'limit_usd', 'reset_interval', 'allowed_models', 'allowed_providers', 'updated_at'];
    const NULLABLE = ['first_name', 'last_name', 'created_by', 'assigned_by'];
    const strip = (row: Record<string, unknown>) => {
      const copy = { ...row };
      for (const field of OPTIONAL) delete copy[field];
      for (const field of NULLABLE) if (field in copy) copy[field] = null;
      return copy;
    };
    const baseUrl = await proxy(sim, (_url, body) => {
      const answer = body as { data?: unknown };
      if (Array.isArray(answer.data)) return { ...answer, data: answer.data.map((row) => strip(row as Record<string, unknown>)) };
      if (answer.data && typeof answer.data === 'object') return { ...answer, data: strip(answer.data as Record<string, unknown>) };
      return undefined;
    });
    const env = { MODELGATES_BASE_URL: baseUrl, MODELGATES_API_KEY: sim.apiKey };
    const sandbox = ['alice', 'rupert', 'sybil', 'trent', 'victor', 'walter', 'bob'];
    const file = fileOf('  sandbox:', `    members: [${sandbox.map(email).join(', ')}]`, '    guardrails:', '      Experiments: [rupert@corp.example, victor@corp.example, bob@corp.example]');
    const cwd = workdir({ 'gatesync.yaml': file });
    const applied = await runGatesync(['apply', '--yes'], { cwd, env });
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(sim.store.snapshot().assignments[G.experiments]).toEqual([u('bob'), u('rupert'), u('victor')]);
  });
});

describe('SCIM group mappings', () => {
  const withMapping = (workspaceId: string): SimulatorState => ({
    ...exampleState(),
    scim_group_mappings: [{ id: 'map-1', scim_group_id: 'grp-1', workspace_id: workspaceId, role: 'member' }],
  });
  const removingBob = fileOf('  research:', `    members: [${RESEARCH.filter((h) => h !== 'bob').map(email).join(', ')}]`);
  const warning = 'workspace research has SCIM group mappings: the identity provider may add the 1 member removed here back on its next sync';

  it('warns in text, JSON and markdown when the plan removes members from a mapped workspace, in one request', async () => {
    const sim = await start({ state: withMapping(W.research) });
    const text = await gatesync(sim, removingBob, 'plan');
    expect(text.stdout).toContain(`warning: ${warning}`);
    expect(sim.stats.byRoute['GET /scim/group-mappings']).toBe(1);
    const json = JSON.parse((await gatesync(sim, removingBob, 'plan', '--format', 'json')).stdout) as { warnings: string[] };
    expect(json.warnings).toEqual([expect.stringContaining(warning)]);
    expect((await gatesync(sim, removingBob, 'plan', '--format', 'markdown')).stdout).toContain(`> **Warning:** ${warning}`);
  });

  it('says nothing of a mapping to another workspace', async () => {
    const sim = await start({ state: withMapping(W.platform) });
    const json = JSON.parse((await gatesync(sim, removingBob, 'plan', '--format', 'json')).stdout) as { warnings: string[] };
    expect(json.warnings).toEqual([]);
  });

  it.each([403, 404] as const)('reads an organization without SCIM (%i) as one without mappings', async (status) => {
    const sim = await start({ state: { ...exampleState(), scim_unavailable_status: status } });
    const run = await gatesync(sim, removingBob, 'plan', '--format', 'json');
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect((JSON.parse(run.stdout) as { warnings: string[] }).warnings).toEqual([]);
    expect(sim.stats.byRoute['GET /scim/group-mappings']).toBe(1);
  });

  it('reads no mappings for a plan that removes nobody', async () => {
    const sim = await start({ state: withMapping(W.research) });
    const run = await gatesync(sim, fileOf('  research:', `    members: [${[...RESEARCH, 'erin'].map(email).join(', ')}]`), 'plan');
    expect(run.stdout).toContain('+ erin@corp.example');
    expect(sim.stats.byRoute['GET /scim/group-mappings']).toBeUndefined();
  });
});
