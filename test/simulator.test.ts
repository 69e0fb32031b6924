import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  DEFAULT_API_KEY,
  EXAMPLE_GUARDRAIL_IDS as G,
  EXAMPLE_WORKSPACE_IDS as W,
  exampleState,
  exampleUserId as u,
  generateOrg,
  loadStateFile,
  parseFaultRates,
  parseState,
  startSimulator,
} from '../src/simulator/index.js';
import type { RunningSimulator, SimulatorOptions } from '../src/simulator/index.js';
import { defaultUnderAnotherSlug, unconfiguredResearchDefault, withoutDefaultWorkspace } from './support/default-workspace.js';

const running: RunningSimulator[] = [];

async function start(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const simulator = await startSimulator({ port: 0, ...options });
  running.push(simulator);
  return simulator;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((simulator) => simulator.close()));
});

interface Reply {
  status: number;
  body: any;
  headers: Headers;
}

async function call(simulator: RunningSimulator, method: string, path: string, body?: unknown, key: string | null = DEFAULT_API_KEY): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (key !== null) headers['authorization'] = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${simulator.url}${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: await response.json(), headers: response.headers };
}

/** The documented error body; a refused member is named in `error.metadata.user_id`, never in the top-level `user_id`. */
function expectError(reply: Reply, status: number, userId: string | null = null): void {
  expect(reply.status).toBe(status);
  expect(reply.body).toEqual({
    error: { code: status, message: expect.any(String), metadata: reply.body.error.metadata ?? null },
    user_id: null,
  });
  expect(reply.body.error.metadata?.user_id ?? null).toBe(userId);
}

describe('authentication and routing', () => {
  it('refuses a missing or wrong key with 401 and accepts a configured key', async () => {
    const simulator = await start({ apiKey: 'secret-key' });
    expectError(await call(simulator, 'GET', '/workspaces', undefined, null), 401);
    expectError(await call(simulator, 'GET', '/workspaces', undefined, DEFAULT_API_KEY), 401);
    expect((await call(simulator, 'GET', '/workspaces', undefined, 'secret-key')).status).toBe(200);
  });

  it('answers 404 for unknown routes, workspaces and guardrails, 400 for a guardrail id that is not a UUID', async () => {
    const simulator = await start();
    expectError(await call(simulator, 'GET', '/nothing-here'), 404);
    expectError(await call(simulator, 'DELETE', '/workspaces/research'), 404);
    expectError(await call(simulator, 'GET', '/workspaces/no-such-slug'), 404);
    expectError(await call(simulator, 'GET', '/workspaces/no-such-slug/members'), 404);
    expectError(await call(simulator, 'GET', '/guardrails/9a000000-0000-4000-8000-00000000dead'), 404);
    expectError(await call(simulator, 'GET', '/guardrails/Daily%20cap'), 400);
    expectError(await call(simulator, 'POST', '/guardrails/not-a-uuid/assignments/members', { member_user_ids: [] }), 400);
  });

  it('finds a workspace by slug or UUID', async () => {
    const simulator = await start();
    const bySlug = await call(simulator, 'GET', '/workspaces/research');
    const byId = await call(simulator, 'GET', `/workspaces/${W.research}`);
    expect(bySlug.status).toBe(200);
    expect(bySlug.body).toEqual(byId.body);
    expect(bySlug.body.data).toMatchObject({ id: W.research, slug: 'research', default_guardrail_id: G.researchDefault });
  });
});

describe('pagination', () => {
  it('pages with offset and limit in a stable created_at order, with total_count', async () => {
    const simulator = await start();
    const all = await call(simulator, 'GET', '/organization/members');
    expect(all.body.total_count).toBe(21);
    expect(all.body.data).toHaveLength(21);
    expect(all.body.data[0]).toEqual({ id: u('alice'), email: 'alice@corp.example', first_name: 'Alice', last_name: 'Ng', role: 'org:admin' });
    const paged: string[] = [];
    for (let offset = 0; offset < 21; offset += 5) {
      const page = await call(simulator, 'GET', `/organization/members?offset=${offset}&limit=5`);
      expect(page.body.total_count).toBe(21);
      paged.push(...page.body.data.map((member: { id: string }) => member.id));
    }
    expect(paged).toEqual(all.body.data.map((member: { id: string }) => member.id));
    expect((await call(simulator, 'GET', '/organization/members?offset=100')).body).toEqual({ data: [], total_count: 21 });
  });

  it('defaults to 50 per page and allows at most 100', async () => {
    const simulator = await start({ state: generateOrg({ members: 150, workspaces: 1, guardrailsPerWorkspace: 1, seed: 3 }) });
    expect((await call(simulator, 'GET', '/organization/members')).body.data).toHaveLength(50);
    expect((await call(simulator, 'GET', '/organization/members?limit=100')).body.data).toHaveLength(100);
    const last = await call(simulator, 'GET', '/organization/members?limit=100&offset=100');
    expect(last.body).toMatchObject({ total_count: 150 });
    expect(last.body.data).toHaveLength(50);
  });

  it.each(['limit=101', 'limit=0', 'limit=-5', 'limit=1.5', 'limit=ten', 'offset=-1', 'offset=2.5', 'limit='])('refuses %s with 400', async (query) => {
    const simulator = await start();
    expectError(await call(simulator, 'GET', `/workspaces/research/members?${query}`), 400);
  });
});

describe('the default workspace', () => {
  it('lists every organization member with the role from the organization', async () => {
    const simulator = await start();
    const reply = await call(simulator, 'GET', '/workspaces/default/members?limit=100');
    expect(reply.body.total_count).toBe(21);
    const roles = Object.fromEntries(reply.body.data.map((member: { user_id: string; role: string }) => [member.user_id, member.role]));
    expect(roles[u('alice')]).toBe('admin');
    expect(roles[u('bob')]).toBe('member');
    expect(reply.body.data[0]).toMatchObject({ workspace_id: W.default, id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  });

  it('refuses add and remove: its membership is implicit', async () => {
    const simulator = await start();
    const added = await call(simulator, 'POST', '/workspaces/default/members/add', { user_ids: [u('bob')] });
    expectError(added, 400);
    expect(added.body.error.metadata).toEqual({ reason: 'default_workspace' });
    expectError(await call(simulator, 'POST', `/workspaces/${W.default}/members/remove`, { user_ids: [u('bob')] }), 400);
    expect((await call(simulator, 'GET', '/workspaces/default/members?limit=100')).body.total_count).toBe(21);
  });

  it('lets any organization member be assigned to its guardrails', async () => {
    const simulator = await start();
    const reply = await call(simulator, 'POST', `/guardrails/${G.contractors}/assignments/members`, { member_user_ids: [u('opsbot')] });
    expect(reply.body).toEqual({ assigned_count: 1 });
  });
});

describe('default workspace, listings and SCIM (api.md rules)', () => {
  const names = (reply: Reply) => reply.body.data.map((row: { name: string }) => row.name);

  it('GET /guardrails without workspace_id answers the default workspace\'s guardrails only, not the organization\'s', async () => {
    const simulator = await start();
    const reply = await call(simulator, 'GET', '/guardrails?limit=100');
    expect(names(reply)).toEqual(['Default policy', 'Org-wide daily cap', 'Contractors']);
    expect(reply.body.total_count).toBe(3);
    expect(reply.body.data.every((row: { workspace_id: string }) => row.workspace_id === W.default)).toBe(true);
  });

  it('GET /keys without workspace_id answers the default workspace\'s keys: no limit, no total_count, pages of 100', async () => {
    const simulator = await start();
    const keys = await call(simulator, 'GET', '/keys');
    expect(keys.body).toEqual({ data: [expect.objectContaining({ name: 'legacy-batch', workspace_id: W.default }), expect.objectContaining({ name: 'playground' })] });
    expect((await call(simulator, 'GET', '/keys?offset=1')).body.data.map((key: { name: string }) => key.name)).toEqual(['playground']);
    const research = await call(simulator, 'GET', `/keys?workspace_id=${W.research}`);
    expect(research.body.data.map((key: { name: string }) => key.name)).toEqual(['research-ci', 'research-notebooks']);
  });

  it('workspace_id must be a UUID', async () => {
    const simulator = await start();
    expectError(await call(simulator, 'GET', '/guardrails?workspace_id=research'), 400);
    expectError(await call(simulator, 'GET', '/keys?workspace_id=research'), 400);
  });

  it('the default workspace may have any slug: a workspace keyed `default` is then ordinary', async () => {
    const simulator = await start({ state: defaultUnderAnotherSlug() });
    expect(names(await call(simulator, 'GET', '/guardrails'))).toEqual(['Default policy', 'Org-wide daily cap', 'Contractors']);
    expect((await call(simulator, 'GET', '/workspaces/general/members?limit=100')).body.total_count).toBe(21);
    const refused = await call(simulator, 'POST', '/workspaces/general/members/add', { user_ids: [u('bob')] });
    expectError(refused, 400);
    expect(refused.body.error.metadata).toEqual({ reason: 'default_workspace' });
    expect((await call(simulator, 'POST', '/workspaces/default/members/add', { user_ids: [u('bob')] })).body.added_count).toBe(1);
    expect(parseState(simulator.store.toState()).workspaces.find((w) => w.slug === 'general')?.is_default).toBe(true);
  });

  it('an organization may have no default workspace: the default-workspace listings are empty', async () => {
    const simulator = await start({ state: withoutDefaultWorkspace() });
    expect((await call(simulator, 'GET', '/guardrails')).body).toEqual({ data: [], total_count: 0 });
    expect((await call(simulator, 'GET', '/keys')).body).toEqual({ data: [] });
    expect((await call(simulator, 'GET', '/workspaces/default/members')).body.total_count).toBe(3);
    expect((await call(simulator, 'POST', '/workspaces/default/members/add', { user_ids: [u('bob')] })).body.added_count).toBe(1);
  });

  it('a default guardrail is absent from listings and answers 404 until configured', async () => {
    const simulator = await start({ state: unconfiguredResearchDefault() });
    expect(names(await call(simulator, 'GET', `/guardrails?workspace_id=${W.research}`))).toEqual(['Daily cap', 'GPU heavy', 'Frontier models']);
    expectError(await call(simulator, 'GET', `/guardrails/${G.researchDefault}`), 404);
    expect((await call(simulator, 'GET', '/workspaces/research')).body.data.default_guardrail_id).toBe(G.researchDefault);
    const configured = await start();
    expect((await call(configured, 'GET', `/guardrails/${G.researchDefault}`)).body.data.name).toBe('Research default');
  });

  it('SCIM group mappings: listed for an Enterprise organization, 403 or 404 for the others', async () => {
    const mapped = exampleState();
    mapped.scim_group_mappings = [{ id: 'map-1', scim_group_id: 'grp-1', workspace_id: W.research, role: 'member' }];
    const enterprise = await start({ state: mapped });
    const reply = await call(enterprise, 'GET', '/scim/group-mappings');
    expect(reply.body).toMatchObject({ total_count: 1, data: [{ id: 'map-1', workspace_id: W.research, scim_group_id: 'grp-1', organization_id: 'org_2corpExample' }] });
    expectError(await call(await start(), 'GET', '/scim/group-mappings'), 403);
    expectError(await call(await start({ state: { ...exampleState(), scim_unavailable_status: 404 } }), 'GET', '/scim/group-mappings'), 404);
  });

  it('refuses states with two default workspaces, a malformed flag, or a mapping to no workspace', () => {
    const state = exampleState();
    state.workspaces[0]!.is_default = true;
    state.workspaces[1]!.is_default = true;
    (state.workspaces[2] as unknown as Record<string, unknown>)['is_default'] = 'yes';
    state.scim_group_mappings = [{ id: 'map-1', scim_group_id: 'grp-1', workspace_id: 'nowhere', role: 'member' }];
    expect(() => parseState(state)).toThrow(
      /workspaces\[1\]\.is_default: only one workspace[\s\S]*workspaces\[2\]\.is_default: must be a boolean[\s\S]*scim_group_mappings\[0\]\.workspace_id: no workspace has id "nowhere"/,
    );
  });
});

describe('workspace membership', () => {
  it('adds with the organization role, idempotently', async () => {
    const simulator = await start();
    const first = await call(simulator, 'POST', '/workspaces/research/members/add', { user_ids: [u('erin'), u('frank'), u('bob')] });
    expect(first.status).toBe(200);
    expect(first.body.added_count).toBe(2);
    expect(first.body.data).toEqual([
      expect.objectContaining({ user_id: u('erin'), workspace_id: W.research, role: 'admin' }),
      expect.objectContaining({ user_id: u('frank'), workspace_id: W.research, role: 'member' }),
    ]);
    const again = await call(simulator, 'POST', '/workspaces/research/members/add', { user_ids: [u('erin'), u('frank')] });
    expect(again.body).toEqual({ added_count: 0, data: [] });
    expect(simulator.store.snapshot().workspaceMembers[W.research]).toContain(u('frank'));
  });

  it('refuses the whole batch when one id is not an organization member', async () => {
    const simulator = await start();
    const before = simulator.store.snapshot();
    const reply = await call(simulator, 'POST', '/workspaces/research/members/add', { user_ids: [u('erin'), 'user_ghost', 'user_ghost2'] });
    expectError(reply, 400, 'user_ghost');
    expect(simulator.store.snapshot()).toEqual(before);
  });

  it('refuses by name to remove a member with active API keys, leaving the rest of the batch in place', async () => {
    const simulator = await start();
    const before = simulator.store.snapshot();
    const reply = await call(simulator, 'POST', '/workspaces/research/members/remove', { user_ids: [u('bob'), u('heidi')] });
    expectError(reply, 400, u('heidi'));
    expect(reply.body.error.message).toBe('user_2heidi (heidi@corp.example) has active API keys in this workspace');
    expect(reply.body.error.metadata).toEqual({ reason: 'active_api_keys', user_id: u('heidi') });
    expect(simulator.store.snapshot()).toEqual(before);
  });

  it('refuses by name to remove a SCIM-managed member', async () => {
    const simulator = await start();
    const before = simulator.store.snapshot();
    const reply = await call(simulator, 'POST', '/workspaces/platform/members/remove', { user_ids: [u('peggy'), u('ivan')] });
    expectError(reply, 400, u('ivan'));
    expect(reply.body.error.message).toBe('user_2ivan (ivan@corp.example) is managed by SCIM; remove them in the identity provider');
    expect(reply.body.error.metadata).toEqual({ reason: 'scim_managed', user_id: u('ivan') });
    expect(simulator.store.snapshot()).toEqual(before);
  });

  it('removes members, ignoring non-members', async () => {
    const simulator = await start();
    const reply = await call(simulator, 'POST', '/workspaces/sandbox/members/remove', { user_ids: [u('trent'), u('bob')] });
    expect(reply.body).toEqual({ removed_count: 1 });
    expect(simulator.store.isWorkspaceMember('sandbox', u('trent'))).toBe(false);
    expect((await call(simulator, 'GET', '/workspaces/sandbox/members')).body.total_count).toBe(5);
  });

  it('keeps the assignment of a removed member and records the ordering violation', async () => {
    const simulator = await start();
    const reply = await call(simulator, 'POST', '/workspaces/research/members/remove', { user_ids: [u('dave')] });
    expect(reply.body).toEqual({ removed_count: 1 });
    expect(simulator.stats.violations).toEqual(['removed user_2dave (dave@corp.example) from workspace research while assigned to guardrail GPU heavy']);
    expect(simulator.store.snapshot().assignments[G.gpuHeavy]).toEqual([u('dave')]);
  });

  it('records no violation when the member was unassigned first', async () => {
    const simulator = await start();
    await call(simulator, 'POST', `/guardrails/${G.gpuHeavy}/assignments/members/remove`, { member_user_ids: [u('dave')] });
    await call(simulator, 'POST', '/workspaces/research/members/remove', { user_ids: [u('dave')] });
    expect(simulator.stats.violations).toEqual([]);
  });

  it.each([
    ['not JSON', '{"user_ids": ['],
    ['an empty body', ''],
    ['no user_ids', { member_user_ids: ['user_2bob'] }],
    ['user_ids not an array', { user_ids: 'user_2bob' }],
    ['a non-string id', { user_ids: ['user_2bob', 7] }],
  ])('refuses a body with %s', async (_label, body) => {
    const simulator = await start();
    expectError(await call(simulator, 'POST', '/workspaces/research/members/add', body), 400);
  });
});

describe('guardrail assignments', () => {
  it('assigns only members of the guardrail workspace', async () => {
    const simulator = await start();
    const reply = await call(simulator, 'POST', `/guardrails/${G.researchDailyCap}/assignments/members`, {
      member_user_ids: [u('alice'), u('erin')],
    });
    expectError(reply, 400, u('erin'));
    expect(reply.body.error.metadata).toEqual({ reason: 'not_workspace_member', user_id: u('erin') });
    expect(simulator.store.snapshot().assignments[G.researchDailyCap]).toEqual([u('bob'), u('carol'), u('niaj')]);
    await call(simulator, 'POST', '/workspaces/research/members/add', { user_ids: [u('erin')] });
    const retried = await call(simulator, 'POST', `/guardrails/${G.researchDailyCap}/assignments/members`, {
      member_user_ids: [u('alice'), u('erin')],
    });
    expect(retried.body).toEqual({ assigned_count: 2 });
  });

  it('refuses non-organization users, the default guardrail and legacy guardrails', async () => {
    const simulator = await start();
    expectError(await call(simulator, 'POST', `/guardrails/${G.experiments}/assignments/members`, { member_user_ids: ['user_nobody'] }), 400, 'user_nobody');
    const toDefault = await call(simulator, 'POST', `/guardrails/${G.researchDefault}/assignments/members`, { member_user_ids: [u('bob')] });
    expectError(toDefault, 400);
    expect(toDefault.body.error.metadata).toEqual({ reason: 'default_guardrail' });
    const toLegacy = await call(simulator, 'POST', `/guardrails/${G.legacyKeyBudget}/assignments/members`, { member_user_ids: [u('bob')] });
    expectError(toLegacy, 400);
    expect(toLegacy.body.error.metadata).toEqual({ reason: 'legacy_guardrail' });
  });

  it('moves a member holding another guardrail of the workspace, and ignores repeats', async () => {
    const simulator = await start();
    const moved = await call(simulator, 'POST', `/guardrails/${G.gpuHeavy}/assignments/members`, { member_user_ids: [u('carol'), u('dave')] });
    expect(moved.body).toEqual({ assigned_count: 1 });
    const snapshot = simulator.store.snapshot();
    expect(snapshot.assignments[G.gpuHeavy]).toEqual([u('carol'), u('dave')]);
    expect(snapshot.assignments[G.researchDailyCap]).toEqual([u('bob'), u('niaj')]);
    const listed = await call(simulator, 'GET', `/guardrails/${G.gpuHeavy}/assignments/members`);
    expect(listed.body.total_count).toBe(2);
    expect(listed.body.data[1]).toEqual({
      id: expect.any(String),
      user_id: u('carol'),
      guardrail_id: G.gpuHeavy,
      organization_id: 'org_2corpExample',
      assigned_by: null,
      created_at: expect.any(String),
    });
  });

  it('keeps one guardrail per member per workspace, independently across workspaces', async () => {
    const simulator = await start();
    await call(simulator, 'POST', `/guardrails/${G.analyticsDailyCap}/assignments/members`, { member_user_ids: [u('bob')] });
    expect(simulator.store.guardrailOf('research', u('bob'))?.id).toBe(G.researchDailyCap);
    expect(simulator.store.guardrailOf('analytics', u('bob'))?.id).toBe(G.analyticsDailyCap);
  });

  it('unassigns, ignoring members not on the guardrail, refusing unknown users', async () => {
    const simulator = await start();
    const reply = await call(simulator, 'POST', `/guardrails/${G.researchDailyCap}/assignments/members/remove`, {
      member_user_ids: [u('niaj'), u('alice')],
    });
    expect(reply.body).toEqual({ unassigned_count: 1 });
    expect(simulator.store.guardrailOf('research', u('niaj'))).toBeUndefined();
    expectError(
      await call(simulator, 'POST', `/guardrails/${G.researchDailyCap}/assignments/members/remove`, { member_user_ids: ['user_gone'] }),
      400,
      'user_gone',
    );
  });

  it('lists every assignment of the organization, and guardrails filtered by workspace', async () => {
    const simulator = await start();
    const all = await call(simulator, 'GET', '/guardrails/assignments/members?limit=100');
    expect(all.body.total_count).toBe(19);
    const research = await call(simulator, 'GET', `/guardrails?workspace_id=${W.research}`);
    expect(research.body.data.map((guardrail: { name: string }) => guardrail.name)).toEqual([
      'Research default',
      'Daily cap',
      'GPU heavy',
      'Frontier models',
    ]);
  });
});

describe('keys and key assignments (api.md)', () => {
  const ci = 'c0ffee00000000000000000000000003';
  const notebooks = 'c0ffee00000000000000000000000004';
  const monitoring = 'c0ffee00000000000000000000000006';
  const assignKeys = (simulator: RunningSimulator, guardrailId: string, hashes: string[]) =>
    call(simulator, 'POST', `/guardrails/${guardrailId}/assignments/keys`, { key_hashes: hashes });
  const unassignKeys = (simulator: RunningSimulator, guardrailId: string, hashes: string[]) =>
    call(simulator, 'POST', `/guardrails/${guardrailId}/assignments/keys/remove`, { key_hashes: hashes });
  const hashesOn = async (simulator: RunningSimulator, guardrailId: string) =>
    (await call(simulator, 'GET', `/guardrails/${guardrailId}/assignments/keys`)).body.data.map((row: { key_hash: string }) => row.key_hash);

  it('a key holds one guardrail: assigning it elsewhere moves it, counted once', async () => {
    const simulator = await start();
    expect((await assignKeys(simulator, G.gpuHeavy, [ci, ci])).body).toEqual({ assigned_count: 1 });
    expect((await call(simulator, 'GET', `/guardrails/${G.researchDailyCap}/assignments/keys`)).body).toEqual({ data: [], total_count: 0 });
    const listed = await call(simulator, 'GET', `/guardrails/${G.gpuHeavy}/assignments/keys`);
    expect(listed.body.data).toEqual([
      { id: expect.any(String), key_hash: ci, key_name: 'research-ci', key_label: 'sk-or-v1-1c3...d03', guardrail_id: G.gpuHeavy, assigned_by: null, created_at: expect.any(String) },
    ]);
    expect((await assignKeys(simulator, G.gpuHeavy, [ci])).body).toEqual({ assigned_count: 0 });
  });

  it('unknown hashes are skipped: 200 with a lower count', async () => {
    const simulator = await start();
    const reply = await assignKeys(simulator, G.gpuHeavy, ['feedface', ci, 'c0ffee0000000000000000000000dead']);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ assigned_count: 1 });
    expect(await hashesOn(simulator, G.gpuHeavy)).toEqual([ci]);
  });

  it('a key of another workspace than the guardrail\'s refuses the whole batch with 400', async () => {
    const simulator = await start();
    const reply = await assignKeys(simulator, G.gpuHeavy, [notebooks, monitoring]);
    expectError(reply, 400);
    expect(reply.body.error.metadata).toEqual({ reason: 'key_in_other_workspace', key_hash: monitoring });
    expect(await hashesOn(simulator, G.gpuHeavy)).toEqual([]);
  });

  it('the default guardrail and a legacy guardrail take no keys: 400', async () => {
    const simulator = await start();
    const toDefault = await assignKeys(simulator, G.researchDefault, [notebooks]);
    expectError(toDefault, 400);
    expect(toDefault.body.error.metadata).toEqual({ reason: 'default_guardrail' });
    const toLegacy = await assignKeys(simulator, G.legacyKeyBudget, ['c0ffee00000000000000000000000002']);
    expectError(toLegacy, 400);
    expect(toLegacy.body.error.metadata).toEqual({ reason: 'legacy_guardrail' });
    expect(simulator.store.listAllKeyAssignments()).toHaveLength(5);
  });

  it('removing a key that is gone or not assigned there answers 200, counted 0', async () => {
    const simulator = await start();
    expect((await unassignKeys(simulator, G.researchDailyCap, ['feedface', notebooks])).body).toEqual({ unassigned_count: 0 });
    expect((await unassignKeys(simulator, G.gpuHeavy, [ci])).body).toEqual({ unassigned_count: 0 });
    expect((await unassignKeys(simulator, G.researchDailyCap, [ci, ci, 'feedface'])).body).toEqual({ unassigned_count: 1 });
    expect(await hashesOn(simulator, G.researchDailyCap)).toEqual([]);
  });

  it('GET /keys?workspace_id= answers offset pages of 100, without limit or total_count, enabled keys unless include_disabled', async () => {
    const state = exampleState();
    const research = state.workspaces.find((workspace) => workspace.id === W.research)!;
    research.keys = Array.from({ length: 150 }, (_, i) => ({
      hash: `feed${String(i).padStart(28, '0')}`,
      name: `key-${i}`,
      label: `sk-or-v1-${i}...`,
      disabled: i === 0,
      creator_user_id: i === 1 ? u('bob') : null,
    }));
    const simulator = await start({ state });
    const first = await call(simulator, 'GET', `/keys?workspace_id=${W.research}`);
    expect(Object.keys(first.body)).toEqual(['data']);
    expect(first.body.data).toHaveLength(100);
    expect(first.body.data[0]).toMatchObject({ hash: `feed${'1'.padStart(28, '0')}`, creator_user_id: u('bob'), disabled: false, workspace_id: W.research });
    expect((await call(simulator, 'GET', `/keys?workspace_id=${W.research}&offset=100`)).body.data).toHaveLength(49);
    const withDisabled = await call(simulator, 'GET', `/keys?workspace_id=${W.research}&offset=100&include_disabled=true`);
    expect(withDisabled.body.data).toHaveLength(50);
    expect((await call(simulator, 'GET', `/keys?workspace_id=${W.research}&include_disabled=true`)).body.data[0]).toMatchObject({ disabled: true });
    expectError(await call(simulator, 'GET', '/keys?include_disabled=yes'), 400);
  });

  it('the creator of an enabled key in the workspace holds active API keys: their removal is refused', async () => {
    const state = exampleState();
    const research = state.workspaces.find((workspace) => workspace.id === W.research)!;
    research.keys = [
      { hash: 'feed01', name: 'bob-enabled', label: 'sk-or-v1-b01...', creator_user_id: u('bob') },
      { hash: 'feed02', name: 'carol-disabled', label: 'sk-or-v1-c02...', creator_user_id: u('carol'), disabled: true },
    ];
    const simulator = await start({ state });
    const refused = await call(simulator, 'POST', '/workspaces/research/members/remove', { user_ids: [u('bob')] });
    expectError(refused, 400, u('bob'));
    expect(refused.body.error.metadata.reason).toBe('active_api_keys');
    expect((await call(simulator, 'POST', '/workspaces/research/members/remove', { user_ids: [u('carol')] })).body).toEqual({ removed_count: 1 });
  });

  it('key-assignment listings drop every Nth row after paging with dropKeyAssignmentRowEvery: short pages, total_count unchanged', async () => {
    const simulator = await start({ dropKeyAssignmentRowEvery: 2 });
    const all = await call(simulator, 'GET', '/guardrails/assignments/keys?limit=4');
    expect(all.body.total_count).toBe(5);
    expect(all.body.data.map((row: { key_hash: string }) => row.key_hash)).toEqual(
      simulator.store.listAllKeyAssignments().slice(0, 4).filter((_, index) => index % 2 === 0).map((row) => row.keyHash),
    );
    const next = await call(simulator, 'GET', '/guardrails/assignments/keys?limit=4&offset=4');
    expect(next.body.data).toHaveLength(1);
  });
});

describe('limits and faults', () => {
  it('refuses a batch larger than maxBatch with 413, leaving the state unchanged', async () => {
    const simulator = await start({ maxBatch: 2 });
    const before = simulator.store.snapshot();
    const reply = await call(simulator, 'POST', '/workspaces/research/members/add', { user_ids: [u('erin'), u('frank'), u('grace')] });
    expectError(reply, 413);
    expect(simulator.store.snapshot()).toEqual(before);
    expect((await call(simulator, 'POST', '/workspaces/research/members/add', { user_ids: [u('erin'), u('frank')] })).body.added_count).toBe(2);
  });

  async function statusSequence(seed: number): Promise<number[]> {
    const simulator = await start({ faults: { 429: 0.2, 500: 0.1, 503: 0.1 }, seed, retryAfterSeconds: 0 });
    const statuses: number[] = [];
    for (let index = 0; index < 40; index += 1) statuses.push((await call(simulator, 'GET', '/workspaces')).status);
    expect(simulator.stats.faultsInjected).toBe(statuses.filter((status) => status !== 200).length);
    return statuses;
  }

  it('injects the same faults for the same seed', async () => {
    const first = await statusSequence(42);
    expect(await statusSequence(42)).toEqual(first);
    expect(first.filter((status) => status !== 200).length).toBeGreaterThan(4);
    expect(new Set(first)).toEqual(new Set([200, 429, 500, 503]));
    expect(await statusSequence(7)).not.toEqual(first);
  });

  it('sends Retry-After and retry-after-ms with 429, and leaves the state unchanged', async () => {
    const simulator = await start({ faults: { 429: 1 }, retryAfterSeconds: 2 });
    const before = simulator.store.snapshot();
    const reply = await call(simulator, 'POST', '/workspaces/research/members/add', { user_ids: [u('erin')] });
    expectError(reply, 429);
    expect(reply.headers.get('retry-after')).toBe('2');
    expect(reply.headers.get('retry-after-ms')).toBe('2000');
    expect(simulator.store.snapshot()).toEqual(before);
    expect(simulator.stats.log[0]).toMatchObject({ status: 429, fault: '429', userIds: [u('erin')] });
  });

  it('resets connections before or after processing: only the latter change the state', async () => {
    const simulator = await start({ faults: { reset: 1 }, seed: 5 });
    const candidates = ['erin', 'frank', 'grace', 'mallory', 'olivia', 'peggy', 'rupert', 'sybil'].map(u);
    for (const userId of candidates) {
      await expect(fetch(`${simulator.url}/workspaces/research/members/add`, {
        method: 'POST',
        headers: { authorization: `Bearer ${DEFAULT_API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ user_ids: [userId] }),
      })).rejects.toThrow();
    }
    const applied = simulator.stats.log.filter((entry) => entry.fault === 'reset-after').flatMap((entry) => entry.userIds ?? []);
    expect(simulator.stats.log.every((entry) => entry.status === 0)).toBe(true);
    expect(applied.length).toBeGreaterThan(0);
    expect(applied.length).toBeLessThan(candidates.length);
    const members = simulator.store.snapshot().workspaceMembers[W.research] ?? [];
    expect(candidates.filter((userId) => members.includes(userId))).toEqual(applied);
  });

  it('delays every answer by latencyMs with timers, so concurrent requests overlap', async () => {
    const simulator = await start({ latencyMs: 150 });
    const started = performance.now();
    const replies = await Promise.all(Array.from({ length: 6 }, () => call(simulator, 'GET', '/workspaces')));
    const elapsed = performance.now() - started;
    expect(replies.every((reply) => reply.status === 200)).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(145);
    expect(elapsed).toBeLessThan(600);
    expect(simulator.stats.maxInFlight).toBe(6);
    expect(simulator.stats.inFlight).toBe(0);
  });
});

describe('stats and the write log', () => {
  it('counts requests by route and logs writes in order', async () => {
    const simulator = await start();
    await call(simulator, 'GET', '/workspaces/research/members');
    await call(simulator, 'GET', '/workspaces/platform/members');
    await call(simulator, 'POST', '/workspaces/research/members/add', { user_ids: [u('erin')] });
    await call(simulator, 'POST', `/guardrails/${G.researchDailyCap}/assignments/members`, { member_user_ids: [u('erin')] });
    await call(simulator, 'POST', '/workspaces/research/members/remove', { user_ids: [u('heidi')] });
    const { stats } = simulator;
    expect(stats.requests).toBe(5);
    expect(stats.writes).toBe(3);
    expect(stats.byRoute).toEqual({
      'GET /workspaces/{id}/members': 2,
      'POST /workspaces/{id}/members/add': 1,
      'POST /guardrails/{id}/assignments/members': 1,
      'POST /workspaces/{id}/members/remove': 1,
    });
    expect(stats.log.map(({ seq, route, status, userIds }) => ({ seq, route, status, userIds }))).toEqual([
      { seq: 3, route: 'POST /workspaces/{id}/members/add', status: 200, userIds: [u('erin')] },
      { seq: 4, route: 'POST /guardrails/{id}/assignments/members', status: 200, userIds: [u('erin')] },
      { seq: 5, route: 'POST /workspaces/{id}/members/remove', status: 400, userIds: [u('heidi')] },
    ]);
    const [add, assign] = stats.log;
    expect(add!.endedAt).toBeGreaterThanOrEqual(add!.startedAt);
    expect(assign!.startedAt).toBeGreaterThanOrEqual(add!.endedAt);
    stats.reset();
    expect(stats).toMatchObject({ requests: 0, writes: 0, byRoute: {}, log: [], violations: [], faultsInjected: 0, maxInFlight: 0 });
  });
});

describe('the store', () => {
  it('lets tests change the organization between calls, under the API rules', async () => {
    const simulator = await start();
    const { store } = simulator;
    expect(store.addWorkspaceMember('sandbox', u('bob'))).toBe(true);
    expect(store.assign(G.experiments, u('bob'))).toBe(true);
    const members = await call(simulator, 'GET', '/workspaces/sandbox/members');
    expect(members.body.data.map((member: { user_id: string }) => member.user_id)).toContain(u('bob'));
    expect(() => store.removeWorkspaceMember('research', u('heidi'))).toThrow(/active API keys/);
    store.setActiveApiKeys('research', u('heidi'), false);
    expect(store.removeWorkspaceMember('research', u('heidi'))).toBe(true);
    expect(store.unassign(G.frontierModels, u('heidi'))).toBe(true);
    const snapshot = store.snapshot();
    expect(Object.keys(snapshot.workspaceMembers).sort()).toEqual([W.research, W.platform, W.sandbox, W.analytics].sort());
    expect(snapshot.assignments[G.experiments]).toEqual([u('bob'), u('rupert'), u('victor')]);
    expect(snapshot.assignments[G.frontierModels]).toEqual([u('judy')]);
  });

  it('round-trips its state and starts from a copy of the given one', async () => {
    const state = exampleState();
    const simulator = await start({ state });
    simulator.store.addWorkspaceMember('sandbox', u('bob'));
    expect(state.workspaces.find((workspace) => workspace.slug === 'sandbox')?.members).not.toContain(u('bob'));
    const copy = await start({ state: parseState(simulator.store.toState()) });
    expect(copy.store.snapshot()).toEqual(simulator.store.snapshot());
  });
});

describe('state files', () => {
  const directory = mkdtempSync(join(tmpdir(), 'gatesync-sim-'));

  it('loads a valid file', () => {
    const path = join(directory, 'ok.json');
    writeFileSync(path, JSON.stringify(exampleState()));
    expect(loadStateFile(path).workspaces).toHaveLength(5);
  });

  it('names every problem of an invalid file, with its path', () => {
    const state = exampleState();
    const research = state.workspaces[1]!;
    research.members!.push('user_ghost');
    state.guardrails[4]!.members!.push(u('erin'));
    state.guardrails[17]!.members = [u('bob')];
    const path = join(directory, 'bad.json');
    writeFileSync(path, JSON.stringify(state));
    expect(() => loadStateFile(path)).toThrow(
      new RegExp(
        [
          `${path} is invalid`,
          'workspaces\\[1\\]\\.members\\[8\\]: "user_ghost" is not an organization member',
          `guardrails\\[4\\]\\.members\\[3\\]: "user_2erin" is not a member of the guardrail's workspace`,
          'guardrails\\[17\\]\\.members: a legacy guardrail \\(no workspace\\) cannot have members',
        ].join('[\\s\\S]*'),
      ),
    );
  });

  it('refuses a member holding two guardrails of one workspace, and files that are not JSON', () => {
    const state = exampleState();
    state.guardrails[5]!.members!.push(u('bob'));
    expect(() => parseState(state)).toThrow(/one guardrail per member per workspace/);
    const path = join(directory, 'broken.json');
    writeFileSync(path, '{ "members": [');
    expect(() => loadStateFile(path)).toThrow(/is not valid JSON/);
    expect(() => loadStateFile(join(directory, 'missing.json'))).toThrow(/cannot read/);
  });
});

describe('fault rate flags', () => {
  it('parses a spec', () => {
    expect(parseFaultRates('429=0.1,500=0.05,reset=0.02')).toEqual({ 429: 0.1, 500: 0.05, reset: 0.02 });
    expect(parseFaultRates(' 503 = .5 ')).toEqual({ 503: 0.5 });
  });

  it.each([
    ['', /empty/],
    ['404=0.1', /unknown fault kind "404"/],
    ['429=2', /between 0 and 1/],
    ['429=abc', /between 0 and 1/],
    ['429', /KIND=RATE/],
    ['429=0.1,429=0.2', /twice/],
    ['500=0.6,502=0.6', /more than 1/],
  ])('refuses %j', (spec, message) => {
    expect(() => parseFaultRates(spec)).toThrow(message);
  });
});

describe('large organizations', () => {
  it('generates the same organization for the same seed', () => {
    const options = { members: 300, workspaces: 3, guardrailsPerWorkspace: 2, seed: 11 };
    expect(generateOrg(options)).toEqual(generateOrg(options));
    expect(generateOrg({ ...options, seed: 12 })).not.toEqual(generateOrg(options));
  });

  it('serves 50,000+ memberships and pages through them quickly', async () => {
    const state = generateOrg({ members: 10_000, workspaces: 5, guardrailsPerWorkspace: 4, membershipsPerWorkspace: 10_000, seed: 1 });
    const simulator = await start({ state });
    const started = performance.now();
    const seen = new Set<string>();
    let total = Infinity;
    for (let offset = 0; offset < total; offset += 100) {
      const page = await call(simulator, 'GET', `/workspaces/ws-003/members?offset=${offset}&limit=100`);
      total = page.body.total_count;
      for (const member of page.body.data) seen.add(member.user_id);
    }
    expect(total).toBe(10_000);
    expect(seen.size).toBe(10_000);
    const assignments = await call(simulator, 'GET', '/guardrails/assignments/members?offset=20000&limit=100');
    expect(assignments.body.total_count).toBeGreaterThan(25_000);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe('examples/gatesync.yaml against the example organization', () => {
  /** The plan the example file should produce, in apply order (add, assign, unassign, remove per workspace). */
  const EXPECTED_CALLS: Array<[path: string, body: Record<string, string[]>, answer: Record<string, number>]> = [
    ['/workspaces/research/members/add', { user_ids: [u('frank'), u('grace')] }, { added_count: 2 }],
    ['/workspaces/platform/members/add', { user_ids: [u('bob'), u('walter')] }, { added_count: 2 }],
    [`/guardrails/${G.researchDailyCap}/assignments/members`, { member_user_ids: [u('alice'), u('judy')] }, { assigned_count: 2 }],
    [`/guardrails/${G.gpuHeavy}/assignments/members`, { member_user_ids: [u('carol'), u('frank')] }, { assigned_count: 2 }],
    [`/guardrails/${G.production}/assignments/members`, { member_user_ids: [u('bob')] }, { assigned_count: 1 }],
    [`/guardrails/${G.staging}/assignments/members`, { member_user_ids: [u('grace'), u('peggy')] }, { assigned_count: 2 }],
    [`/guardrails/${G.experiments}/assignments/members`, { member_user_ids: [u('walter'), u('sybil')] }, { assigned_count: 2 }],
    [`/guardrails/${G.contractors}/assignments/members`, { member_user_ids: [u('opsbot')] }, { assigned_count: 1 }],
    [`/guardrails/${G.researchDailyCap}/assignments/members/remove`, { member_user_ids: [u('niaj')] }, { unassigned_count: 1 }],
    [`/guardrails/${G.gpuHeavy}/assignments/members/remove`, { member_user_ids: [u('dave')] }, { unassigned_count: 1 }],
    [`/guardrails/${G.production}/assignments/members/remove`, { member_user_ids: [u('erin')] }, { unassigned_count: 1 }],
    [`/guardrails/${G.staging}/assignments/members/remove`, { member_user_ids: [u('mallory')] }, { unassigned_count: 1 }],
    [`/guardrails/${G.experiments}/assignments/members/remove`, { member_user_ids: [u('victor')] }, { unassigned_count: 1 }],
    ['/workspaces/research/members/remove', { user_ids: [u('dave')] }, { removed_count: 1 }],
    ['/workspaces/platform/members/remove', { user_ids: [u('mallory')] }, { removed_count: 1 }],
  ];

  it('applies cleanly in order and reaches exactly the state the file declares', async () => {
    const simulator = await start();
    const { store } = simulator;
    for (const [path, body, answer] of EXPECTED_CALLS) {
      const reply = await call(simulator, 'POST', path, body);
      expect({ path, status: reply.status, body: reply.body }).toMatchObject({ path, status: 200, body: answer });
    }
    expect(simulator.stats.violations).toEqual([]);

    const file = parseYaml(readFileSync(new URL('../examples/gatesync.yaml', import.meta.url), 'utf8')) as {
      workspaces: Record<string, { members?: string[]; guardrails?: Record<string, string[]> }>;
    };
    const byEmail = new Map(store.listOrgMembers().map((member) => [member.email.toLowerCase(), member.id]));
    const resolve = (ref: string): string => (ref.startsWith('user_') ? ref : (byEmail.get(ref.toLowerCase()) ?? `unknown ${ref}`));
    const snapshot = store.snapshot();
    expect(Object.keys(file.workspaces).sort()).toEqual(['default', 'platform', 'research', 'sandbox']);
    for (const [slug, workspace] of Object.entries(file.workspaces)) {
      const workspaceId = store.requireWorkspace(slug).id;
      if (workspace.members !== undefined) {
        expect(snapshot.workspaceMembers[workspaceId], slug).toEqual(workspace.members.map(resolve).sort());
      }
      for (const [name, members] of Object.entries(workspace.guardrails ?? {})) {
        expect(snapshot.assignments[store.guardrailByName(slug, name).id], `${slug} / ${name}`).toEqual(members.map(resolve).sort());
      }
    }
    expect(snapshot.assignments[G.frontierModels]).toEqual([u('heidi')]);
    expect(snapshot.assignments[G.onCall]).toEqual([]);
    expect(snapshot.assignments[G.freeModelsOnly]).toEqual([]);
  });
});
