/**
 * Pagination against servers that answer differently from the simulator:
 * shorter pages than asked for, and a collection that changes mid-read.
 * A small proxy in front of the simulator rewrites its answers.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpProvider } from '../src/providers/http-provider.js';
import { generateOrg } from '../src/simulator/index.js';
import { simulatorPerTest } from './support/org.js';

const start = simulatorPerTest();
let proxy: Server | undefined;
let provider: HttpProvider | undefined;
afterEach(async () => {
  await provider?.close();
  await new Promise((resolve) => (proxy ? proxy.close(resolve) : resolve(undefined)));
  proxy = provider = undefined;
});

/** Forwards to `target`, passing each JSON page through `rewrite`. */
async function proxied(target: string, rewrite: (page: { data: unknown[]; total_count: number }, offset: number) => unknown) {
  proxy = createServer(async (request, response) => {
    const upstream = await fetch(`${target}${request.url!.replace(/^\/api\/v1/, '')}`, { headers: { authorization: request.headers.authorization ?? '' } });
    const body = (await upstream.json()) as { data?: unknown[]; total_count: number };
    const offset = Number(new URL(request.url!, 'http://x').searchParams.get('offset') ?? 0);
    response.writeHead(upstream.status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(upstream.ok && Array.isArray(body.data) ? rewrite({ data: body.data, total_count: body.total_count }, offset) : body));
  });
  await new Promise<void>((resolve) => proxy!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/api/v1`;
}

async function org() {
  return start({ state: generateOrg({ members: 450, workspaces: 1, guardrailsPerWorkspace: 1, seed: 1 }) });
}

describe('paginate', () => {
  it('reads everything from a server that serves shorter pages than asked for', async () => {
    const sim = await org();
    const url = await proxied(sim.url, (page) => ({ ...page, data: page.data.slice(0, 40) }));
    provider = new HttpProvider({ baseUrl: url, apiKey: sim.apiKey });
    const members = await provider.listOrgMembers();
    expect(members).toHaveLength(450);
    expect(new Set(members.map((m) => m.userId)).size).toBe(450);
  });

  it('refuses a listing that comes back with fewer items than it announced', async () => {
    const sim = await org();
    const url = await proxied(sim.url, (page, offset) => (offset === 200 ? { ...page, data: page.data.slice(1) } : page));
    provider = new HttpProvider({ baseUrl: url, apiKey: sim.apiKey });
    await expect(provider.listOrgMembers()).rejects.toThrow(/read 449 of the 450 items it announced/);
  });
});
