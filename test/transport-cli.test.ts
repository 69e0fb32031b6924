/**
 * The request layer seen from the command line, over real HTTP: retries of
 * 500, the User-Agent, excerpts of odd error bodies, the run timeout, short
 * keys, and the message each network or setup mistake gets.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exampleState, type SimulatorOptions } from '../src/simulator/index.js';
import { simulatorPerTest } from './support/org.js';
import { runGatesync, simulatorEnv, workdir, type CliRun } from './support/cli.js';

const KEY = 'sk-mg-v1-7f3a9c1e5b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f1a3c5e7b9d1f3a';
const VERSION = (JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
const EXAMPLE = readFileSync(join(import.meta.dirname, '..', 'examples', 'gatesync.yaml'), 'utf8');

const start = simulatorPerTest();
const servers: Array<HttpServer | NetServer> = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function listen<T extends HttpServer | NetServer>(server: T): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A server that answers every request with one fixed 200 answer. */
async function answering(contentType: string, body: string): Promise<string> {
  const host = await listen(createHttpServer((_request, response) => response.writeHead(200, { 'content-type': contentType }).end(body)));
  return `http://${host}/api/v1`;
}

async function example(options: SimulatorOptions = {}) {
  const sim = await start({ state: exampleState(), apiKey: KEY, ...options });
  return { sim, cwd: workdir({ 'gatesync.yaml': EXAMPLE }), env: simulatorEnv(sim) };
}

function expectNoKey(run: CliRun): void {
  const output = run.stdout + run.stderr;
  expect(output).not.toContain(KEY.slice(9, 21));
  expect(output).not.toMatch(/sk-mg|Bearer (?!\[REDACTED\])/);
  expect(output).not.toMatch(/\n\s+at /);
}

describe('retries and headers', () => {
  it('retries injected 500s on reads and on writes: plan and apply succeed, and every request names gatesync and its version', async () => {
    const { sim, cwd, env } = await example({ faults: { 500: 0.25 }, seed: 11 });
    const planned = await runGatesync(['plan', '--max-retries', '12'], { cwd, env });
    expect(planned.code, planned.stderr).toBe(0);
    const applied = await runGatesync(['apply', '--yes', '--allow-destructive', '--max-retries', '12'], { cwd, env });
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(sim.stats.faultsByKind['500']).toBeGreaterThan(0);
    expect(sim.stats.log.some((write) => write.fault === '500')).toBe(true);
    const replanned = await runGatesync(['plan', '--detailed-exitcode', '--max-retries', '12'], { cwd, env });
    expect(replanned.code, replanned.stdout).toBe(0);
    expect(sim.stats.userAgents).toEqual({ [`gatesync/${VERSION}`]: sim.stats.requests });
  });
});

describe('error bodies', () => {
  it('shows an HTML, empty, huge or header-echoing error body as a short excerpt without the key', async () => {
    const expected = {
      html: 'HTTP 502 with an HTML page: "502 Error 502 Error proxy"',
      empty: 'HTTP 502 with an empty body',
      huge: /HTTP 502 with "upstream failure 502: x+…"/,
      echo: /HTTP 502 with "upstream failure 502; request was: .*authorization: \[REDACTED\]/i,
    } as const;
    for (const [faultBody, message] of Object.entries(expected)) {
      const { cwd, env } = await example({ faults: { 502: 1 }, faultBody: faultBody as keyof typeof expected });
      const run = await runGatesync(['plan', '--max-retries', '0', '--verbose'], { cwd, env });
      expect(run.code).toBe(1);
      expect(run.stderr).toEqual(typeof message === 'string' ? expect.stringContaining(message) : expect.stringMatching(message));
      expect(run.stderr.length, faultBody).toBeLessThan(2_000);
      expectNoKey(run);
    }
  });
});

describe('--timeout', () => {
  it('aborts requests a server never answers, exits 1 and names what was pending', { timeout: 20_000 }, async () => {
    const host = await listen(createNetServer((socket) => void sockets.push(socket)));
    const run = runGatesync(['plan', '--timeout', '2'], { cwd: workdir({ 'gatesync.yaml': EXAMPLE }), env: { MODELGATES_BASE_URL: `http://${host}/api/v1`, MODELGATES_API_KEY: KEY } });
    let guard: NodeJS.Timeout | undefined;
    const hung = new Promise<never>((_, reject) => (guard = setTimeout(() => reject(new Error('gatesync did not stop at --timeout')), 10_000)));
    const result = await Promise.race([run, hung]).finally(() => clearTimeout(guard));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/failed: the run reached its time limit \(--timeout\) with \d+ requests? unanswered \(GET \/.*\); nothing further was sent\n$/);
    expectNoKey(result);
  });
});

describe('short keys', () => {
  it('refuses a key too short to be real and says why, leaving other output untouched', async () => {
    const { cwd, env } = await example();
    for (const key of ['k', '1', 'short-key']) {
      for (const argv of [['plan', '--verbose'], ['plan', '--format', 'json']]) {
        const run = await runGatesync(argv, { cwd, env: { ...env, MODELGATES_API_KEY: key } });
        expect(run.code).toBe(1);
        expect(run.stderr).toMatch(/the management key in MODELGATES_API_KEY is not usable: it is \d+ characters? long, too short to be a management key/);
        expect(run.stdout + run.stderr).not.toContain('[REDACTED]');
        if (run.stdout.trim() !== '') expect(() => JSON.parse(run.stdout)).not.toThrow();
      }
    }
  });

  it('keeps --format json valid JSON with a real key', async () => {
    const { cwd, env } = await example();
    const run = await runGatesync(['plan', '--format', 'json'], { cwd, env });
    expect(() => JSON.parse(run.stdout)).not.toThrow();
  });
});

describe('setup mistakes get one plain sentence', () => {
  async function plan(env: Record<string, string>, extra: string[] = [], files: Record<string, string> = {}) {
    const run = await runGatesync(['plan', '--max-retries', '0', ...extra], { cwd: workdir({ 'gatesync.yaml': EXAMPLE, ...files }), env: { MODELGATES_API_KEY: KEY, ...env } });
    expect(run.code).toBe(1);
    expectNoKey(run);
    return run.stderr;
  }

  it('a closed port', async () => {
    const server = createNetServer();
    const host = await listen(server);
    await new Promise((resolve) => server.close(resolve));
    servers.splice(servers.indexOf(server), 1);
    expect(await plan({ MODELGATES_BASE_URL: `http://${host}/api/v1` })).toContain(
      `nothing accepts connections at ${host} (connection refused): check MODELGATES_BASE_URL and that the API is reachable from here`,
    );
  });

  it('a host that does not exist', async () => {
    expect(await plan({ MODELGATES_BASE_URL: 'https://gatesync-test.invalid/api/v1' })).toMatch(
      /the host gatesync-test\.invalid was not found \(DNS \w+\): check the host name in MODELGATES_BASE_URL/,
    );
  });

  it('a base URL without /api/v1', async () => {
    const { sim } = await example();
    expect(await plan({ MODELGATES_BASE_URL: `http://127.0.0.1:${sim.port}` })).toContain(
      'answered 404: No route for GET /organization/members (check MODELGATES_BASE_URL: the API\'s address ends in /api/v1, e.g. https://modelgates.ai/api/v1)',
    );
  });

  it('a 200 answer that is an HTML page or not the documented shape', async () => {
    const html = await plan({ MODELGATES_BASE_URL: await answering('text/html', '<!doctype html><html><title>Welcome to nginx</title></html>') });
    expect(html).toMatch(/GET \/organization\/members\?offset=0&limit=100 failed: the server answered 200 with an HTML page: "Welcome to nginx", not JSON: check that MODELGATES_BASE_URL \(http:\/\/127\.0\.0\.1:\d+\/api\/v1\) is the API's address/);
    const shape = await plan({ MODELGATES_BASE_URL: await answering('application/json', '{"members":[]}') });
    expect(shape).toContain('GET /organization/members failed: the page at offset 0 is not the documented listing shape: "data" is not a list');
  });

  it('a missing key file, and a refused key from a key file', async () => {
    const { sim } = await example();
    const missing = await plan({ MODELGATES_BASE_URL: sim.url }, ['--api-key-file', 'missing.txt']);
    expect(missing).toMatch(/cannot read --api-key-file missing\.txt: there is no such file \(looked for \S+missing\.txt\); check the path/);
    const refused = await plan({ MODELGATES_BASE_URL: sim.url, MODELGATES_API_KEY: '' }, ['--api-key-file', 'key.txt'], { 'key.txt': `${KEY}-old\n` });
    expect(refused).toContain('answered 401: Invalid management key (check the key in --api-key-file key.txt: the API did not accept it)');
    expect(refused).not.toContain('MODELGATES_API_KEY');
  });

  it('a mistyped scheme', async () => {
    const stderr = await plan({ MODELGATES_BASE_URL: 'htps://modelgates.ai/api/v1' });
    expect(stderr).toBe('gatesync: MODELGATES_BASE_URL must start with https:// but starts with "htps:" (e.g. https://modelgates.ai/api/v1)\n');
  });
});
