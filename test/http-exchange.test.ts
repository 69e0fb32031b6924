/** The request helper's own HTTP exchange against tiny node:http and node:net servers: decoding, timeouts, cut-off error bodies, connection reuse. */
import { once } from 'node:events';
import { createServer as createHttpServer, type RequestListener, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient, type ApiClientOptions } from '../src/providers/api-client.js';
import { ApiError, TransportError } from '../src/providers/api-error.js';

const KEY = 'sk-mg-v1-7f3a9c1e5b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f1a3c5e7b9d1f3a';

const servers: Array<HttpServer | NetServer> = [];
const clients: ApiClient[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** Listens on loopback and keeps every connection, so a test can count them and the cleanup can end them. */
async function listen(server: HttpServer | NetServer): Promise<{ url: string; connections: Socket[] }> {
  const connections: Socket[] = [];
  server.on('connection', (socket: Socket) => {
    connections.push(socket);
    sockets.push(socket);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`, connections };
}

function client(url: string, options: Partial<ApiClientOptions> = {}): ApiClient {
  const created = new ApiClient({ baseUrl: url, apiKey: KEY, maxRetries: 0, ...options });
  clients.push(created);
  return created;
}

const serve = (listener: RequestListener) => listen(createHttpServer(listener));

describe('answers', () => {
  it('decodes a 2xx body whose multi-byte characters are split across chunks', async () => {
    const body = Buffer.from(JSON.stringify({ name: 'Zoë 🚀 日本' }));
    const cut = body.indexOf(Buffer.from('🚀')) + 2;
    const { url } = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write(body.subarray(0, cut));
      setImmediate(() => response.end(body.subarray(cut)));
    });
    expect(await client(url).get('/workspaces')).toEqual({ name: 'Zoë 🚀 日本' });
  });

  it('reads only the start of an error body that never ends, then drops the connection', async () => {
    const { url, connections } = await serve((_request, response) => {
      response.writeHead(502, { 'content-type': 'text/plain' });
      response.write(`upstream failure ${'x'.repeat(100_000)}`);
    });
    const error = await client(url).get('/workspaces').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 502, apiMessage: expect.stringMatching(/^HTTP 502 with "upstream failure x+…"$/) });
    await once(connections[0]!, 'close');
  });

  it('sends the key, a JSON content type and the length of a POST body', async () => {
    const seen: Array<{ headers: Record<string, unknown>; body: string }> = [];
    const { url } = await serve((request, response) => {
      let body = '';
      request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        seen.push({ headers: request.headers, body });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await client(url).post('/workspaces/research/members/add', { user_ids: ['user_ö'] });
    expect(seen).toEqual([
      {
        headers: expect.objectContaining({ authorization: `Bearer ${KEY}`, 'content-type': 'application/json', 'content-length': '24' }),
        body: '{"user_ids":["user_ö"]}',
      },
    ]);
  });
});

describe('timeouts', () => {
  it('gives up on a server that accepts the connection and never answers', async () => {
    const { url } = await listen(createNetServer());
    await expect(client(url, { requestTimeoutMs: 1_000 }).get('/workspaces')).rejects.toThrow(
      new TransportError('GET', '/workspaces', '127.0.0.1:' + new URL(url).port + ' sent no answer within 1 s (ANSWER_TIMEOUT)'),
    );
  });

  it('gives up on an answer whose body stalls after the headers', async () => {
    const { url } = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"data":');
    });
    await expect(client(url, { requestTimeoutMs: 1_000 }).get('/workspaces')).rejects.toThrow(/sent no answer within 1 s \(ANSWER_TIMEOUT\)$/);
  });
});

describe('connections', () => {
  it('reuses kept-alive connections, never more than the concurrency, and close() ends them', async () => {
    const { url, connections } = await serve((_request, response) => {
      setImmediate(() => response.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[]}'));
    });
    const api = client(url, { concurrency: 3 });
    await Promise.all(Array.from({ length: 30 }, () => api.get('/workspaces')));
    for (let i = 0; i < 5; i++) await api.get('/workspaces');
    expect(connections.length).toBeGreaterThan(0);
    expect(connections.length).toBeLessThanOrEqual(3);
    const open = connections.filter((socket) => !socket.destroyed);
    expect(open.length).toBeGreaterThan(0);
    await api.close();
    await Promise.all(open.map((socket) => once(socket, 'close')));
  });
});
