/** A loopback stand-in for the GitHub REST calls the action makes: one repository's issue comments. */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';

export interface FakeComment {
  id: number;
  issue: number;
  body: string;
  html_url: string;
}

export interface FakeGitHub {
  url: string;
  comments: FakeComment[];
  /** Method and path (without query) of every request, in order. */
  requests: string[];
  authorizations: Set<string>;
}

/** Returns a `start` whose servers are closed after each test. */
export function fakeGitHubPerTest(repository: string, token: string): () => Promise<FakeGitHub> {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });
  return async () => {
    const state = { comments: [] as FakeComment[], requests: [] as string[], authorizations: new Set<string>() };
    let nextId = 1000;
    const server = createServer(async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      state.requests.push(`${req.method} ${url.pathname}`);
      state.authorizations.add(req.headers.authorization ?? '');
      const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (req.headers.authorization !== `Bearer ${token}`) return send(401, { message: 'Bad credentials' });
      const list = url.pathname.match(new RegExp(`^/repos/${repository}/issues/(\\d+)/comments$`));
      const one = url.pathname.match(new RegExp(`^/repos/${repository}/issues/comments/(\\d+)$`));
      if (list && req.method === 'GET') {
        const perPage = Number(url.searchParams.get('per_page') ?? 30);
        const page = Number(url.searchParams.get('page') ?? 1);
        const mine = state.comments.filter((c) => c.issue === Number(list[1]));
        return send(200, mine.slice((page - 1) * perPage, page * perPage));
      }
      if (list && req.method === 'POST') {
        const comment = { id: nextId++, issue: Number(list[1]), body: (await jsonBody(req)).body, html_url: '' };
        comment.html_url = `https://github.example/${repository}/pull/${comment.issue}#issuecomment-${comment.id}`;
        state.comments.push(comment);
        return send(201, comment);
      }
      const existing = one && state.comments.find((c) => c.id === Number(one[1]));
      if (existing && req.method === 'PATCH') {
        existing.body = (await jsonBody(req)).body;
        return send(200, existing);
      }
      return send(404, { message: 'Not Found' });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => server.close(() => resolve())));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, ...state };
  };
}

async function jsonBody(req: IncomingMessage): Promise<{ body: string }> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return JSON.parse(text) as { body: string };
}
