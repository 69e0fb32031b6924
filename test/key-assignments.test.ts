/**
 * Key-assignment listings over HTTP: the service drops rows of deleted keys
 * after paging, so pages come back short before the end; the reader steps by
 * the requested limit and stops at `total_count`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpProvider } from '../src/providers/http-provider.js';
import { MemoryProvider } from '../src/providers/memory-provider.js';
import { EXAMPLE_GUARDRAIL_IDS as G, EXAMPLE_WORKSPACE_IDS as W, exampleState, type SimulatorState } from '../src/simulator/index.js';
import { simulatorPerTest } from './support/org.js';

const start = simulatorPerTest();
let provider: HttpProvider | undefined;
let server: Server | undefined;
afterEach(async () => {
  await provider?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  provider = server = undefined;
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

  it('refuses rows without the documented fields, naming the request', async () => {
    server = createServer((_request, response) => response.end(JSON.stringify({ data: [{ id: 'a', hash: 'k1' }], total_count: 1 })));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    provider = new HttpProvider({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`, apiKey: 'sk-mg-v1-0123456789abcdef' });
    await expect(provider.listKeyAssignments()).rejects.toThrow(
      'GET /guardrails/assignments/keys failed: the page at offset 0 is not the documented listing shape: a row of "data" has no "key_hash" string',
    );
  });

  it('is answered by the in-memory provider from the rows it was given', async () => {
    const memory = new MemoryProvider({
      members: [],
      workspaces: [{ id: 'ws', slug: 'ws', name: 'WS', defaultGuardrailId: 'g0' }],
      guardrails: ['g1', 'g2'].map((id) => ({ id, name: id, workspaceId: 'ws' })),
      keys: [
        { hash: 'k1', name: 'one', label: 'sk-1', workspaceId: 'ws', guardrailId: 'g1' },
        { hash: 'k2', name: 'two', label: 'sk-2', workspaceId: 'ws', guardrailId: 'g2' },
      ],
    });
    expect(await memory.listKeyAssignments('g2')).toEqual([{ keyHash: 'k2', guardrailId: 'g2' }]);
    expect(await memory.listKeyAssignments()).toHaveLength(2);
  });
});
