/** A loopback proxy to a simulator that rewrites chosen answers: a server whose answers differ from the simulator's. */
import { createServer, type Server } from 'node:http';
import { afterEach } from 'vitest';
import type { RunningSimulator } from '../../src/simulator/index.js';

/** Returns the new JSON body of an answer, or `undefined` to pass it through. */
export type Rewrite = (url: URL, body: unknown) => Promise<unknown> | unknown;

/** Returns a `proxy` that serves `sim` through `rewrite` and gives the base URL to use; every proxy is closed after its test. */
export function proxyPerTest(): (sim: RunningSimulator, rewrite: Rewrite) => Promise<string> {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });
  return async (sim, rewrite) => {
    const origin = new URL(sim.url).origin;
    const server = createServer(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const answer = await fetch(origin + request.url, {
        method: request.method,
        headers: { authorization: request.headers.authorization ?? '', 'content-type': 'application/json' },
        ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
      });
      const text = await answer.text();
      const rewritten = answer.ok ? await rewrite(new URL(request.url ?? '/', origin), JSON.parse(text)) : undefined;
      response.writeHead(answer.status, { 'content-type': 'application/json' }).end(rewritten === undefined ? text : JSON.stringify(rewritten));
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as { port: number }).port}${new URL(sim.url).pathname}`;
  };
}
