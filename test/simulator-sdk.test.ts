/**
 * The official SDK against the simulator: every answer must pass the SDK's
 * zod schemas (an SDKValidationError would mean the simulator's shapes drift
 * from the real API), and its typed errors must carry the refusal details.
 */
import { OpenRouter } from '@openrouter/sdk';
import { BadRequestResponseError, NotFoundResponseError, SDKValidationError, UnauthorizedResponseError } from '@openrouter/sdk/models/errors';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_API_KEY,
  EXAMPLE_GUARDRAIL_IDS as G,
  EXAMPLE_WORKSPACE_IDS as W,
  exampleState,
  exampleUserId as u,
  startSimulator,
} from '../src/simulator/index.js';
import type { RunningSimulator } from '../src/simulator/index.js';
import { unconfiguredResearchDefault } from './support/default-workspace.js';

let simulator: RunningSimulator;
let sdk: OpenRouter;

/** Each test gets a fresh example organization. */
beforeEach(async () => {
  simulator = await startSimulator({ port: 0 });
  sdk = new OpenRouter({ apiKey: DEFAULT_API_KEY, serverURL: simulator.url, retryConfig: { strategy: 'none' } });
});

afterEach(async () => {
  await simulator.close();
});

async function collect<P, T>(first: AsyncIterable<P>, items: (page: P) => T[]): Promise<T[]> {
  const all: T[] = [];
  for await (const page of first) all.push(...items(page));
  return all;
}

describe('reading through the SDK', () => {
  it('lists API keys, those of the default workspace without a workspace id', async () => {
    const keys = await sdk.apiKeys.list();
    expect(keys.data.map((key) => [key.name, key.workspaceId])).toEqual([
      ['legacy-batch', W.default],
      ['playground', W.default],
    ]);
    const research = await sdk.apiKeys.list({ workspaceId: W.research });
    expect(research.data[0]).toMatchObject({ hash: 'c0ffee00000000000000000000000003', disabled: false, creatorUserId: null, usage: 0 });
  });

  it('lists SCIM group mappings, and refuses them to an organization without SCIM', async () => {
    await expect(sdk.scim.listMappings({})).rejects.toThrow(/Status 403/);
    await simulator.close();
    simulator = await startSimulator({
      port: 0,
      state: { ...exampleState(), scim_group_mappings: [{ id: 'map-1', scim_group_id: 'grp-1', workspace_id: W.research, role: 'admin' }] },
    });
    sdk = new OpenRouter({ apiKey: DEFAULT_API_KEY, serverURL: simulator.url, retryConfig: { strategy: 'none' } });
    const mappings = await collect(await sdk.scim.listMappings({}), (page) => page.result.data);
    expect(mappings).toEqual([expect.objectContaining({ id: 'map-1', workspaceId: W.research, scimGroupId: 'grp-1', role: 'admin' })]);
  });

  it('gets a workspace whose default guardrail was never configured, and that guardrail answers 404', async () => {
    await simulator.close();
    simulator = await startSimulator({ port: 0, state: unconfiguredResearchDefault() });
    sdk = new OpenRouter({ apiKey: DEFAULT_API_KEY, serverURL: simulator.url, retryConfig: { strategy: 'none' } });
    expect((await sdk.workspaces.get({ id: 'research' })).data.defaultGuardrailId).toBe(G.researchDefault);
    await expect(sdk.guardrails.get({ id: G.researchDefault })).rejects.toBeInstanceOf(NotFoundResponseError);
  });

  it('lists organization members across pages', async () => {
    const pages = await sdk.organization.listMembers({ limit: 5 });
    const members = await collect(pages, (page) => page.result.data);
    expect(members).toHaveLength(21);
    expect(members[0]).toEqual({ id: u('alice'), email: 'alice@corp.example', firstName: 'Alice', lastName: 'Ng', role: 'org:admin' });
    expect(members.find((member) => member.id === u('opsbot'))).toMatchObject({ firstName: null, lastName: null, role: 'org:member' });
  });

  it('lists and gets workspaces', async () => {
    const listed = await sdk.workspaces.list({ limit: 100 });
    expect(listed.result.totalCount).toBe(5);
    expect(listed.result.data.map((workspace) => workspace.slug)).toEqual(['default', 'research', 'platform', 'sandbox', 'analytics']);
    const research = await sdk.workspaces.get({ id: 'research' });
    expect(research.data).toMatchObject({ id: W.research, defaultGuardrailId: G.researchDefault, name: 'Research', createdBy: u('alice') });
    const sandbox = await sdk.workspaces.get({ id: W.sandbox });
    expect(sandbox.data).toMatchObject({ slug: 'sandbox', description: null, updatedAt: null });
  });

  it('lists workspace members, the default workspace implicitly', async () => {
    const research = await collect(await sdk.workspaces.listMembers({ id: 'research', limit: 3 }), (page) => page.result.data);
    expect(research.map((member) => member.userId)).toEqual(['alice', 'bob', 'carol', 'dave', 'heidi', 'ivan', 'judy', 'niaj'].map(u));
    expect(research[0]).toMatchObject({ workspaceId: W.research, role: 'admin' });
    const everyone = await sdk.workspaces.listMembers({ id: 'default', limit: 100 });
    expect(everyone.result.totalCount).toBe(21);
  });

  it('lists and gets guardrails', async () => {
    const research = await sdk.guardrails.list({ workspaceId: W.research });
    expect(research.result.data.map((guardrail) => guardrail.name)).toEqual(['Research default', 'Daily cap', 'GPU heavy', 'Frontier models']);
    const ofDefaultWorkspace = await collect(await sdk.guardrails.list({ limit: 2 }), (page) => page.result.data);
    expect(ofDefaultWorkspace.map((guardrail) => guardrail.workspaceId)).toEqual([W.default, W.default, W.default]);
    const legacy = await sdk.guardrails.get({ id: G.legacyKeyBudget });
    expect(legacy.data).toMatchObject({ workspaceId: null, limitUsd: 75, resetInterval: 'monthly', includeByokInBudgets: false });
    const frontier = await sdk.guardrails.get({ id: G.frontierModels });
    expect(frontier.data.allowedModels).toEqual(['anthropic/claude-opus-4', 'openai/gpt-5']);
  });

  it('lists member assignments of one guardrail and of the organization', async () => {
    const dailyCap = await sdk.guardrails.listGuardrailMemberAssignments({ id: G.researchDailyCap });
    expect(dailyCap.result.data.map((assignment) => assignment.userId)).toEqual([u('bob'), u('carol'), u('niaj')]);
    expect(dailyCap.result.data[0]).toMatchObject({ guardrailId: G.researchDailyCap, organizationId: 'org_2corpExample', assignedBy: null });
    const all = await collect(await sdk.guardrails.listMemberAssignments({ limit: 10 }), (page) => page.result.data);
    expect(all).toHaveLength(19);
  });

  it('lists key assignments of one guardrail and of the organization', async () => {
    const production = await sdk.guardrails.listGuardrailKeyAssignments({ id: G.production });
    expect(production.result.data).toEqual([
      expect.objectContaining({ keyHash: 'c0ffee00000000000000000000000005', keyName: 'platform-deploy', keyLabel: 'sk-or-v1-2e5...b05' }),
    ]);
    const all = await sdk.guardrails.listKeyAssignments();
    expect(all.result.totalCount).toBe(5);
  });
});

describe('writing through the SDK', () => {
  it('adds and removes workspace members', async () => {
    const added = await sdk.workspaces.bulkAddMembers({ id: 'sandbox', bulkAddWorkspaceMembersRequest: { userIds: [u('bob'), u('alice')] } });
    expect(added.addedCount).toBe(1);
    expect(added.data).toEqual([expect.objectContaining({ userId: u('bob'), workspaceId: W.sandbox, role: 'member' })]);
    const removed = await sdk.workspaces.bulkRemoveMembers({ id: W.sandbox, bulkRemoveWorkspaceMembersRequest: { userIds: [u('bob'), u('trent')] } });
    expect(removed.removedCount).toBe(2);
    expect(simulator.store.snapshot().workspaceMembers[W.sandbox]).toEqual(['alice', 'rupert', 'sybil', 'victor', 'walter'].map(u));
  });

  it('assigns (moving) and unassigns guardrail members', async () => {
    const assigned = await sdk.guardrails.bulkAssignMembers({ id: G.staging, bulkAssignMembersRequest: { memberUserIds: [u('peggy'), u('mallory')] } });
    expect(assigned.assignedCount).toBe(1);
    expect(simulator.store.guardrailOf('platform', u('peggy'))?.name).toBe('Staging');
    const unassigned = await sdk.guardrails.bulkUnassignMembers({ id: G.staging, bulkUnassignMembersRequest: { memberUserIds: [u('peggy'), u('erin')] } });
    expect(unassigned.unassignedCount).toBe(1);
    expect(simulator.store.snapshot().assignments[G.staging]).toEqual([u('mallory')]);
  });

  it('assigns and unassigns keys', async () => {
    const monitoring = 'c0ffee00000000000000000000000006';
    const assigned = await sdk.guardrails.bulkAssignKeys({ id: G.onCall, bulkAssignKeysRequest: { keyHashes: [monitoring] } });
    expect(assigned.assignedCount).toBe(1);
    const unassigned = await sdk.guardrails.bulkUnassignKeys({ id: G.onCall, bulkUnassignKeysRequest: { keyHashes: [monitoring] } });
    expect(unassigned.unassignedCount).toBe(1);
  });

  it('skips unknown key hashes with a lower count, and counts 0 for keys gone or not assigned', async () => {
    const monitoring = 'c0ffee00000000000000000000000006';
    const assigned = await sdk.guardrails.bulkAssignKeys({ id: G.onCall, bulkAssignKeysRequest: { keyHashes: ['feedface', monitoring] } });
    expect(assigned.assignedCount).toBe(1);
    const unassigned = await sdk.guardrails.bulkUnassignKeys({ id: G.staging, bulkUnassignKeysRequest: { keyHashes: ['feedface', monitoring] } });
    expect(unassigned.unassignedCount).toBe(0);
  });

  it('lists keys by offset pages, disabled ones and creators included when asked', async () => {
    await simulator.close();
    const state = exampleState();
    state.workspaces.find((workspace) => workspace.id === W.platform)!.keys = Array.from({ length: 101 }, (_, i) => ({
      hash: `feed${String(i).padStart(28, '0')}`,
      name: `key-${i}`,
      label: `sk-or-v1-${i}...`,
      disabled: i === 100,
      creator_user_id: u('erin'),
    }));
    simulator = await startSimulator({ port: 0, state });
    sdk = new OpenRouter({ apiKey: DEFAULT_API_KEY, serverURL: simulator.url, retryConfig: { strategy: 'none' } });
    expect((await sdk.apiKeys.list({ workspaceId: W.platform })).data).toHaveLength(100);
    expect((await sdk.apiKeys.list({ workspaceId: W.platform, offset: 100 })).data).toEqual([]);
    const disabled = await sdk.apiKeys.list({ workspaceId: W.platform, offset: 100, includeDisabled: true });
    expect(disabled.data).toEqual([expect.objectContaining({ name: 'key-100', disabled: true, creatorUserId: u('erin'), workspaceId: W.platform })]);
  });
});

describe('errors through the SDK', () => {
  async function failure(promise: Promise<unknown>): Promise<unknown> {
    return promise.then(
      () => expect.fail('the call should have been refused'),
      (error: unknown) => error,
    );
  }

  it('surfaces a refused removal with the user and reason', async () => {
    const error = await failure(sdk.workspaces.bulkRemoveMembers({ id: 'research', bulkRemoveWorkspaceMembersRequest: { userIds: [u('heidi')] } }));
    expect(error).not.toBeInstanceOf(SDKValidationError);
    expect(error).toBeInstanceOf(BadRequestResponseError);
    const refusal = error as BadRequestResponseError;
    expect(refusal.userId ?? null).toBeNull();
    expect(refusal.error).toEqual({
      code: 400,
      message: 'user_2heidi (heidi@corp.example) has active API keys in this workspace',
      metadata: { reason: 'active_api_keys', user_id: u('heidi') },
    });
  });

  it('surfaces a key of another workspace and the default guardrail as refused assignments', async () => {
    const foreign = await failure(sdk.guardrails.bulkAssignKeys({ id: G.onCall, bulkAssignKeysRequest: { keyHashes: ['c0ffee00000000000000000000000003'] } }));
    expect(foreign).toBeInstanceOf(BadRequestResponseError);
    expect((foreign as BadRequestResponseError).error.metadata).toEqual({ reason: 'key_in_other_workspace', key_hash: 'c0ffee00000000000000000000000003' });
    const toDefault = await failure(sdk.guardrails.bulkAssignKeys({ id: G.platformDefault, bulkAssignKeysRequest: { keyHashes: ['c0ffee00000000000000000000000006'] } }));
    expect(toDefault).toBeInstanceOf(BadRequestResponseError);
    expect((toDefault as BadRequestResponseError).error.metadata).toEqual({ reason: 'default_guardrail' });
  });

  it('surfaces 404 and 401 as typed errors', async () => {
    expect(await failure(sdk.workspaces.get({ id: 'nowhere' }))).toBeInstanceOf(NotFoundResponseError);
    const stranger = new OpenRouter({ apiKey: 'wrong-key', serverURL: simulator.url, retryConfig: { strategy: 'none' } });
    expect(await failure(stranger.workspaces.list())).toBeInstanceOf(UnauthorizedResponseError);
  });
});
