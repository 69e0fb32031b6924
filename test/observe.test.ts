/**
 * `observe` over real HTTP against the simulator: what it reads, how many
 * requests that takes, and the choice between the org-wide assignment
 * listing and one listing per guardrail.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../src/providers/api-error.js';
import { HttpProvider } from '../src/providers/http-provider.js';
import type { Observed, Scope } from '../src/model/observed.js';
import { observe } from '../src/providers/observe.js';
import { pageCount } from '../src/providers/paginate.js';
import { generateOrg, startSimulator, type RunningSimulator, type SimulatorState } from '../src/simulator/index.js';
import { simulatorPerTest } from './support/org.js';

const start = simulatorPerTest();
let provider: HttpProvider | undefined;
afterEach(async () => {
  await provider?.close();
  provider = undefined;
});

function providerFor(sim: RunningSimulator): HttpProvider {
  provider = new HttpProvider({ baseUrl: sim.url, apiKey: sim.apiKey, maxRetries: 0 });
  return provider;
}

async function connect(state: SimulatorState): Promise<{ sim: RunningSimulator; provider: HttpProvider }> {
  const sim = await start({ state });
  return { sim, provider: providerFor(sim) };
}

async function observeCounting(state: SimulatorState, slugs: string[]) {
  const { sim, provider } = await connect(state);
  const scope: Scope = { workspaces: slugs.map((key) => ({ key, guardrailKeys: [] })) };
  const explained: string[] = [];
  const observed = await observe(provider, scope, { explain: (message) => explained.push(message) });
  return { sim, observed, explained, byRoute: { ...sim.stats.byRoute }, requests: sim.stats.requests };
}

/** Every guardrail of the observed workspaces with its members, as the simulator holds them. */
function assignmentsOf(observed: Observed): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const workspace of observed.workspacesByKey.values()) {
    for (const [id, guardrail] of workspace?.guardrails ?? []) result[id] = [...guardrail.members].sort();
  }
  return result;
}

function truthOf(sim: RunningSimulator, observed: Observed): Record<string, string[]> {
  const all = sim.store.snapshot().assignments;
  return Object.fromEntries(Object.keys(assignmentsOf(observed)).map((id) => [id, all[id] ?? []]));
}

/** Requests of each way to read the assignments of the guardrails of `slugs`. */
function listingCosts(state: SimulatorState, slugs: string[]) {
  const workspaces = state.workspaces.filter((w) => slugs.includes(w.slug));
  const workspaceIds = new Set(workspaces.map((w) => w.id));
  // A default guardrail takes no assignment: its listing is never read.
  const defaultGuardrails = new Set(workspaces.map((w) => w.default_guardrail_id));
  const guardrails = state.guardrails.filter((g) => g.workspace_id !== null && workspaceIds.has(g.workspace_id) && !defaultGuardrails.has(g.id));
  const total = state.guardrails.reduce((sum, g) => sum + (g.members?.length ?? 0), 0);
  return {
    guardrails: guardrails.length,
    perGuardrail: guardrails.reduce((sum, g) => sum + pageCount(g.members?.length ?? 0), 0),
    orgWide: pageCount(total),
  };
}

const org = (workspaces: number, membershipsPerWorkspace: number, members = 600) =>
  generateOrg({ members, workspaces, guardrailsPerWorkspace: 3, membershipsPerWorkspace, assignedShare: 0.5, seed: 5 });
const slugsOf = (state: SimulatorState, count = Infinity) => state.workspaces.map((w) => w.slug).slice(0, count);

describe('observe: reading assignments', () => {
  it('reads the org-wide listing when it takes no more requests than one per guardrail', async () => {
    const state = org(12, 150);
    const slugs = slugsOf(state);
    const costs = listingCosts(state, slugs);
    expect(costs.orgWide).toBeLessThanOrEqual(costs.guardrails);

    const { sim, observed, explained, byRoute } = await observeCounting(state, slugs);
    expect(byRoute['GET /guardrails/assignments/members']).toBe(costs.orgWide);
    expect(byRoute['GET /guardrails/{id}/assignments/members']).toBeUndefined();
    expect(assignmentsOf(observed)).toEqual(truthOf(sim, observed));
    expect(explained.join('\n')).toMatch(/one org-wide listing, \d+ requests? for \d+ assignments; one listing per guardrail would take at least \d+ requests/);
  });

  it('reads per guardrail when the file lists a small part of a large organization, at one request more', async () => {
    const state = org(30, 300);
    const slugs = ['ws-003', 'ws-017'];
    const costs = listingCosts(state, slugs);
    expect(costs.orgWide).toBeGreaterThan(costs.guardrails);

    const { sim, observed, explained, byRoute } = await observeCounting(state, slugs);
    expect(byRoute['GET /guardrails/assignments/members']).toBe(1);
    expect(byRoute['GET /guardrails/{id}/assignments/members']).toBe(costs.perGuardrail);
    expect(assignmentsOf(observed)).toEqual(truthOf(sim, observed));
    expect(explained.join('\n')).toMatch(/one listing per guardrail \(\d+ guardrails\); the org-wide listing would take \d+ requests/);
  });

  it.each([
    ['every workspace, small', 4, 40, Infinity],
    ['every workspace, several pages each', 6, 400, Infinity],
    ['one workspace of many', 20, 250, 1],
    ['half of the workspaces', 10, 200, 5],
  ])('never costs more than the cheaper listing plus one: %s', async (_name, workspaces, memberships, listed) => {
    const state = org(workspaces, memberships);
    const slugs = slugsOf(state, listed);
    const costs = listingCosts(state, slugs);
    const { byRoute } = await observeCounting(state, slugs);
    const made = (byRoute['GET /guardrails/assignments/members'] ?? 0) + (byRoute['GET /guardrails/{id}/assignments/members'] ?? 0);
    expect(made).toBeLessThanOrEqual(Math.min(costs.orgWide, costs.perGuardrail) + 1);
    expect(made).toBeLessThanOrEqual(costs.perGuardrail + 1);
  });

  it('reads every other listing exactly once: all pages, the workspace listing instead of one lookup per workspace', async () => {
    const state = org(5, 250, 700);
    const slugs = slugsOf(state);
    const { byRoute, observed } = await observeCounting(state, slugs);
    const nonDefault = state.workspaces.filter((w) => w.slug !== 'default');
    expect(byRoute['GET /organization/members']).toBe(pageCount(700));
    expect(byRoute['GET /workspaces']).toBe(1);
    expect(byRoute['GET /workspaces/{id}']).toBeUndefined();
    // The default workspace's first page counts every member: the organization's list, already read, stands for the rest.
    expect(byRoute['GET /workspaces/{id}/members']).toBe(nonDefault.reduce((sum, w) => sum + pageCount(w.members?.length ?? 0), 0) + 1);
    // One listing per workspace, and one without workspace_id to prove which workspace holding everyone is the default.
    expect(byRoute['GET /guardrails']).toBe(state.workspaces.length + 1);
    const defaultWorkspace = observed.workspacesByKey.get('default');
    expect([defaultWorkspace?.isDefault, defaultWorkspace?.defaultUnproven, defaultWorkspace?.members.size]).toEqual([true, undefined, 700]);
  });

  it.each([1, 5, 50])('makes no more requests than a sequential script for %i workspaces', async (count) => {
    const state = generateOrg({ members: 400, workspaces: 60, guardrailsPerWorkspace: 3, membershipsPerWorkspace: 120, assignedShare: 0.3, seed: 9 });
    const workspaces = state.workspaces.filter((w) => w.slug !== 'default').slice(0, count);
    const { sim, provider } = await connect(state);
    await observe(provider, { workspaces: workspaces.map((w) => ({ key: w.slug, guardrailKeys: [], managesMembers: true })) });
    const ids = new Set(workspaces.map((w) => w.id));
    const guardrails = state.guardrails.filter((g) => g.workspace_id !== null && ids.has(g.workspace_id));
    // Org members page by page; per workspace a lookup, its members, its guardrails; per guardrail its assignments.
    const script =
      pageCount(state.members.length) +
      workspaces.reduce((sum, w) => sum + 1 + pageCount(w.members?.length ?? 0) + 1, 0) +
      guardrails.reduce((sum, g) => sum + pageCount(g.members?.length ?? 0), 0);
    expect(sim.stats.requests).toBeLessThanOrEqual(script);
  });

  it('finds a single workspace with one request when the listing fits on one page', async () => {
    const { byRoute } = await observeCounting(org(5, 250, 700), ['ws-002']);
    // The listing's first page is asked before the file is known; holding every workspace, it spares the lookup.
    expect(byRoute['GET /workspaces']).toBe(1);
    expect(byRoute['GET /workspaces/{id}']).toBeUndefined();
  });

  it('looks a single workspace up when the listing takes more pages than that', async () => {
    const { byRoute, observed } = await observeCounting(org(120, 2, 60), ['ws-002']);
    expect(byRoute['GET /workspaces']).toBe(1);
    expect(byRoute['GET /workspaces/{id}']).toBe(1);
    expect(observed.workspacesByKey.get('ws-002')?.info.slug).toBe('ws-002');
  });

  it('falls back to per-guardrail listings when the org-wide listing is refused', async () => {
    const state = org(3, 50);
    const { sim, provider } = await connect(state);
    provider.firstPageOfAllAssignments = async () => {
      throw new ApiError(404, 'No route for GET /guardrails/assignments/members', 'GET', '/guardrails/assignments/members');
    };
    const explained: string[] = [];
    const observed = await observe(provider, { workspaces: slugsOf(state).map((key) => ({ key, guardrailKeys: [] })) }, {
      explain: (message) => explained.push(message),
    });
    expect(assignmentsOf(observed)).toEqual(truthOf(sim, observed));
    expect(explained.join('\n')).toMatch(/org-wide listing was refused \(404\)/);
  });

  it('rejects with the transport error, and nothing is left unhandled, when the API goes away mid-read', async () => {
    const state = org(8, 300);
    // Not `start`: this test closes the simulator itself.
    const sim = await startSimulator({ port: 0, state });
    const provider = providerFor(sim);
    const reading = observe(provider, { workspaces: slugsOf(state).map((key) => ({ key, guardrailKeys: [] })) });
    setTimeout(() => void sim.close(), 5);
    await expect(reading).rejects.toThrow(/failed|answered/);
  });

  it('makes no assignment request for a file without workspaces', async () => {
    const { byRoute } = await observeCounting(org(2, 20), []);
    // The two reads that need nothing from the file, and nothing else.
    expect(Object.keys(byRoute).sort()).toEqual(['GET /organization/members', 'GET /workspaces']);
  });
});
