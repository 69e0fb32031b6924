/**
 * Key-assignment listings over HTTP: the service drops rows of deleted keys
 * after paging, so pages come back short before the end; the reader steps by
 * the requested limit and stops at `total_count`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HttpProvider } from '../src/providers/http-provider.js';
import { MemoryProvider } from '../src/providers/memory-provider.js';
import { EXAMPLE_GUARDRAIL_IDS as G, EXAMPLE_WORKSPACE_IDS as W, exampleState, type SimulatorState } from '../src/simulator/index.js';
import { simulatorPerTest } from './support/org.js';

const start = simulatorPerTest();
let provider: HttpProvider | undefined;
afterEach(async () => {
  await provider?.close();
  provider = undefined;
});

/** The example organization with 250 more keys on the research workspace's daily cap. */
function withKeys(count: number): SimulatorState {
  const state = exampleState();
  const research = state.workspaces.find((workspace) => workspace.id === W.research)!;
  const keys = Array.from({ length: count }, (_, i) => ({
    hash: `feed${String(i).padStart(28, '0')}`,
    name: `batch-${i}`,
    label: `sk-mg-v1-${i}...`,
    guardrail_id: G.researchDailyCap,
  }));
  research.keys = [...(research.keys ?? []), ...keys];
  return state;
}

describe('listKeyAssignments', () => {
  it('reads every row left after the service drops some, from pages that come back short', async () => {
    const sim = await start({ state: withKeys(250), dropKeyAssignmentRowEvery: 7 });
    provider = new HttpProvider({ baseUrl: sim.url, apiKey: sim.apiKey });
    const kept = <T>(rows: readonly T[]) => rows.filter((_, index) => (index + 1) % 7 !== 0);

    const rows = await provider.listKeyAssignments(G.researchDailyCap);
    const expected = kept(sim.store.listKeyAssignments(G.researchDailyCap)).map((row) => row.keyHash);
    expect(expected.length).toBeLessThan(sim.store.listKeyAssignments(G.researchDailyCap).length);
    expect(rows.map((row) => row.keyHash)).toEqual(expected);
    expect(new Set(rows.map((row) => row.guardrailId))).toEqual(new Set([G.researchDailyCap]));
    // Offsets 0, 100 and 200 for 250+ rows: one request per page of the announced total.
    expect(sim.stats.byRoute['GET /guardrails/{id}/assignments/keys']).toBe(3);

    const all = await provider.listKeyAssignments();
    expect(all.map((row) => row.keyHash)).toEqual(kept(sim.store.listAllKeyAssignments()).map((row) => row.keyHash));
  });

  it('reads a listing the service returns whole', async () => {
    const sim = await start({ state: withKeys(120) });
    provider = new HttpProvider({ baseUrl: sim.url, apiKey: sim.apiKey });
    const rows = await provider.listKeyAssignments(G.researchDailyCap);
    expect(rows.map((row) => row.keyHash)).toEqual(sim.store.listKeyAssignments(G.researchDailyCap).map((row) => row.keyHash));
  });

  it('is answered by the in-memory provider from the rows it was given', async () => {
    const memory = new MemoryProvider({
      members: [],
      workspaces: [],
      guardrails: [],
      keyAssignments: [
        { keyHash: 'k1', guardrailId: 'g1' },
        { keyHash: 'k2', guardrailId: 'g2' },
      ],
    });
    expect(await memory.listKeyAssignments('g2')).toEqual([{ keyHash: 'k2', guardrailId: 'g2' }]);
    expect(await memory.listKeyAssignments()).toHaveLength(2);
  });
});
