/**
 * The in-memory provider stands on the simulator's store: the same writes
 * give the same counts, refusals and state as the simulator over HTTP.
 */
import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/providers/api-error.js';
import { HttpProvider } from '../src/providers/http-provider.js';
import { MemoryProvider } from '../src/providers/memory-provider.js';
import type { Provider, WriteResult } from '../src/providers/provider.js';
import { EXAMPLE_GUARDRAIL_IDS as G, EXAMPLE_WORKSPACE_IDS as W, exampleState, exampleUserId as u, SimulatorStore } from '../src/simulator/index.js';
import { simulatorPerTest } from './support/org.js';

const start = simulatorPerTest();

/** A count, or the refusal as status, reason and named member. */
async function outcome(write: Promise<WriteResult>): Promise<unknown> {
  try {
    return (await write).count;
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { status: error.status, reason: error.metadata?.['reason'], memberId: error.memberId };
  }
}

/** Writes that meet every rule of membership and member assignment once. */
const script = (provider: Provider) => [
  () => provider.addWorkspaceMembers(W.sandbox, [u('bob'), u('alice'), u('bob')]),
  () => provider.addWorkspaceMembers(W.default, [u('bob')]),
  () => provider.addWorkspaceMembers(W.sandbox, ['user_nobody']),
  () => provider.assignGuardrailMembers(G.staging, [u('peggy'), u('mallory')]),
  () => provider.assignGuardrailMembers(G.platformDefault, [u('peggy')]),
  () => provider.assignGuardrailMembers(G.legacyKeyBudget, [u('peggy')]),
  () => provider.assignGuardrailMembers(G.experiments, [u('bob')]),
  () => provider.assignGuardrailMembers(G.experiments, [u('yara')]),
  () => provider.assignGuardrailMembers(G.contractors, [u('bob')]),
  () => provider.unassignGuardrailMembers(G.staging, [u('peggy'), u('erin')]),
  () => provider.removeWorkspaceMembers(W.research, [u('carol'), u('heidi')]),
  () => provider.removeWorkspaceMembers(W.platform, [u('ivan')]),
  () => provider.removeWorkspaceMembers(W.sandbox, [u('bob'), u('trent')]),
  () => provider.removeWorkspaceMembers(W.default, [u('bob')]),
];

describe('MemoryProvider', () => {
  it('answers every write as the simulator does over HTTP: counts, refusals and the state left', async () => {
    const sim = await start();
    const http = new HttpProvider({ baseUrl: sim.url, apiKey: sim.apiKey });
    const memory = new MemoryProvider(new SimulatorStore(exampleState()));
    const overHttp: unknown[] = [];
    for (const write of script(http)) overHttp.push(await outcome(write()));
    await http.close();
    const inMemory: unknown[] = [];
    for (const write of script(memory)) inMemory.push(await outcome(write()));

    expect(inMemory).toEqual(overHttp);
    expect(inMemory).toContainEqual({ status: 400, reason: 'active_api_keys', memberId: u('heidi') });
    expect(inMemory).toContainEqual({ status: 400, reason: 'default_workspace', memberId: null });
    expect(inMemory).toContainEqual({ status: 400, reason: 'scim_managed', memberId: u('ivan') });
    expect(inMemory).toContainEqual({ status: 400, reason: 'not_workspace_member', memberId: u('yara') });
    expect(memory.snapshot()).toEqual(sim.store.snapshot());
    expect(memory.violations).toEqual(sim.stats.violations);
    expect(memory.calls).toHaveLength(sim.stats.writes);
    expect(memory.calls[0]).toEqual({ method: 'addWorkspaceMembers', target: W.sandbox, userIds: [u('bob'), u('alice'), u('bob')] });
  });

  it('reads what the simulator serves, the default workspace holding every member', async () => {
    const sim = await start();
    const http = new HttpProvider({ baseUrl: sim.url, apiKey: sim.apiKey });
    const memory = new MemoryProvider(new SimulatorStore(exampleState()));
    try {
      for (const provider of [http, memory]) expect((await provider.listWorkspaceMembers(W.default)).length).toBe(21);
      expect(await memory.listWorkspaces()).toEqual(await http.listWorkspaces());
      expect(await memory.listGuardrails(W.research)).toEqual(await http.listGuardrails(W.research));
      expect(await memory.defaultWorkspaceEvidence('guardrails')).toEqual(await http.defaultWorkspaceEvidence('guardrails'));
      expect(await memory.defaultWorkspaceEvidence('keys')).toEqual(await http.defaultWorkspaceEvidence('keys'));
      expect(await memory.listKeyAssignments()).toEqual(await http.listKeyAssignments());
      expect(await memory.getGuardrail(G.researchDefault)).toEqual(await http.getGuardrail(G.researchDefault));
      expect(await memory.getWorkspace('nowhere')).toBeUndefined();
      await expect(memory.listWorkspaceMembers('nowhere')).rejects.toMatchObject({ status: 404 });
    } finally {
      await http.close();
    }
  });

  it('lists keys and assigns them by the simulator\'s rules, recording each call', async () => {
    const state = exampleState();
    state.workspaces.find((workspace) => workspace.id === W.platform)!.keys!.push({
      hash: 'feed01',
      name: 'erin-old',
      label: 'sk-or-v1-e01...',
      disabled: true,
      creator_user_id: u('erin'),
    });
    const memory = new MemoryProvider(new SimulatorStore(state));
    const deploy = 'c0ffee00000000000000000000000005';
    const monitoring = 'c0ffee00000000000000000000000006';
    expect(await memory.listKeys(W.platform)).toEqual([
      { hash: deploy, name: 'platform-deploy', label: 'sk-or-v1-2e5...b05', disabled: false, workspaceId: W.platform, creatorUserId: null },
      { hash: monitoring, name: 'platform-monitoring', label: 'sk-or-v1-2f6...a06', disabled: false, workspaceId: W.platform, creatorUserId: null },
      { hash: 'feed01', name: 'erin-old', label: 'sk-or-v1-e01...', disabled: true, workspaceId: W.platform, creatorUserId: u('erin') },
    ]);
    expect(await memory.assignGuardrailKeys(G.staging, [deploy, monitoring, 'feedface'])).toEqual({ count: 2, attempts: 1 });
    expect(await memory.listKeyAssignments(G.production)).toEqual([]);
    expect(await memory.unassignGuardrailKeys(G.staging, [monitoring, 'feedface'])).toEqual({ count: 1, attempts: 1 });
    await expect(memory.assignGuardrailKeys(G.staging, ['c0ffee00000000000000000000000003'])).rejects.toMatchObject({
      status: 400,
      metadata: { reason: 'key_in_other_workspace', key_hash: 'c0ffee00000000000000000000000003' },
    });
    await expect(memory.assignGuardrailKeys(G.platformDefault, [deploy])).rejects.toMatchObject({ status: 400, metadata: { reason: 'default_guardrail' } });
    expect(memory.calls.at(1)).toEqual({ method: 'unassignGuardrailKeys', target: G.staging, userIds: [], keyHashes: [monitoring, 'feedface'] });
  });

  it('keeps the ids of a MemoryOrg that are not UUIDs, inside and out', async () => {
    const memory = new MemoryProvider({
      members: [{ userId: 'u1', email: 'u1@corp.example', firstName: null, lastName: null, role: 'org:member' }],
      workspaces: [
        { id: 'ws-home', slug: 'home', name: 'Home', defaultGuardrailId: 'g-home' },
        { id: 'ws-lab', slug: 'lab', name: 'Lab', defaultGuardrailId: 'g-lab-default', members: ['u1'] },
      ],
      guardrails: [{ id: 'g-lab', name: 'Lab cap', workspaceId: 'ws-lab' }],
      defaultWorkspaceId: 'ws-home',
    });
    expect(await memory.getWorkspace('lab')).toEqual({ id: 'ws-lab', slug: 'lab', name: 'Lab', defaultGuardrailId: 'g-lab-default' });
    expect(await memory.assignGuardrailMembers('g-lab', ['u1'])).toEqual({ count: 1, attempts: 1 });
    expect(memory.snapshot()).toEqual({ workspaceMembers: { 'ws-lab': ['u1'] }, assignments: { 'g-lab': ['u1'] } });
    expect(await memory.defaultWorkspaceEvidence('guardrails')).toEqual([]);
    await expect(memory.addWorkspaceMembers('ws-home', ['u1'])).rejects.toThrow('POST /workspaces/ws-home/members/add answered 400');
    await expect(memory.removeWorkspaceMembers('ws-lab', ['u1'])).resolves.toEqual({ count: 1, attempts: 1 });
    expect(memory.violations).toEqual(['removed u1 (u1@corp.example) from workspace lab while assigned to guardrail Lab cap']);
  });
});
