/** The request helper over real HTTP against the simulator's fault injection. */
import { afterEach, describe, expect, it } from 'vitest';
import { checkBaseUrl, parseRetryAfter, type RequestEvent } from '../src/providers/api-client.js';
import { ApiError, TransportError } from '../src/providers/api-error.js';
import { HttpProvider } from '../src/providers/http-provider.js';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../src/simulator/index.js';

let simulator: RunningSimulator | undefined;
let provider: HttpProvider | undefined;
afterEach(async () => {
  await provider?.close();
  await simulator?.close();
  simulator = provider = undefined;
});

async function setup(options: SimulatorOptions, client: { maxRetries?: number; deadline?: number } = {}) {
  simulator = await startSimulator({ port: 0, ...options });
  const events: RequestEvent[] = [];
  provider = new HttpProvider({
    baseUrl: simulator.url,
    apiKey: simulator.apiKey,
    random: () => 0.5,
    onRequest: (event) => events.push(event),
    ...client,
  });
  return { sim: simulator, provider, events };
}

describe('retries', () => {
  it('honours retry-after-ms / Retry-After on 429, measured', async () => {
    const { sim, provider, events } = await setup({ faults: { 429: 0.5 }, seed: 3, retryAfterSeconds: 0.25 });
    const started = performance.now();
    for (let i = 0; i < 6; i++) await provider.listOrgMembers();
    const elapsed = performance.now() - started;
    const limited = events.filter((e) => e.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited.length).toBe(sim.stats.faultsByKind['429']);
    for (const event of limited) expect(event.retryInMs).toBe(250);
    expect(elapsed).toBeGreaterThanOrEqual(250 * limited.length);
  });

  it('retries 500, 502, 503, 504, 408 and connection resets until the call succeeds', async () => {
    const { sim, provider } = await setup({ faults: { 408: 0.08, 500: 0.08, 502: 0.08, 503: 0.08, 504: 0.08, reset: 0.08 }, seed: 9 });
    for (let i = 0; i < 10; i++) expect((await provider.listOrgMembers()).length).toBeGreaterThan(0);
    expect(sim.stats.faultsByKind['500']).toBeGreaterThan(0);
    expect(provider.client.stats.retries).toBe(sim.stats.faultsInjected);
  });

  it('gives up after --max-retries', async () => {
    const { sim, provider } = await setup({ faults: { 503: 1 } }, { maxRetries: 2 });
    await expect(provider.listOrgMembers()).rejects.toMatchObject({ name: 'ApiError', status: 503 });
    expect(sim.stats.requests).toBe(3);
  });

  it('never retries other 4xx', async () => {
    const { sim, provider } = await setup({});
    expect(await provider.getWorkspace('no-such-workspace')).toBeUndefined();
    await expect(provider.addWorkspaceMembers('research', ['user_nobody'])).rejects.toBeInstanceOf(ApiError);
    expect(sim.stats.requests).toBe(2);
    expect(provider.client.stats.retries).toBe(0);
  });

  it('stops at the run deadline (--timeout)', async () => {
    const { provider } = await setup({ latencyMs: 0 }, { deadline: Date.now() - 1 });
    await expect(provider.listOrgMembers()).rejects.toBeInstanceOf(TransportError);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds, HTTP dates, and prefers retry-after-ms', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter({ 'retry-after': '3' }, now)).toBe(3000);
    expect(parseRetryAfter({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }, now)).toBe(5000);
    expect(parseRetryAfter({ 'retry-after': '3', 'retry-after-ms': '120' }, now)).toBe(120);
    expect(parseRetryAfter({}, now)).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after': 'soon' }, now)).toBeUndefined();
  });
});

describe('base URL', () => {
  it('requires https unless the host is loopback', () => {
    expect(() => checkBaseUrl('http://modelgates.example/api/v1')).toThrow(/https/);
    expect(() => checkBaseUrl('http://10.0.0.8/api/v1')).toThrow(/https/);
    expect(checkBaseUrl('http://127.0.0.1:8080/api/v1').port).toBe('8080');
    expect(checkBaseUrl('http://localhost/api/v1').hostname).toBe('localhost');
    expect(checkBaseUrl('https://modelgates.ai/api/v1').protocol).toBe('https:');
  });
});

describe('long Retry-After', () => {
  it('fails at once rather than wait longer than the cap', async () => {
    const { sim, provider } = await setup({ faults: { 429: 1 }, retryAfterSeconds: 3_600 });
    const started = performance.now();
    await expect(provider.listOrgMembers()).rejects.toMatchObject({ status: 429 });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(sim.stats.requests).toBe(1);
  });
});
