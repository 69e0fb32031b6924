/**
 * One HTTP request and its answer over Node's own client (`node:http`,
 * `node:https`), which costs a process almost nothing to load. Every way an
 * exchange can fail rejects with an error whose `code` names it: Node's own
 * (`ECONNRESET`, `ECONNREFUSED`, `ENOTFOUND`, TLS codes, …) or one of the
 * timeouts below.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** No connection (TCP and, for https, the TLS handshake) within `CONNECT_TIMEOUT_MS`. */
export const CONNECT_TIMEOUT = 'CONNECT_TIMEOUT';
/** A connection that carried nothing back for the answer timeout: no headers, or a body that stalled. */
export const ANSWER_TIMEOUT = 'ANSWER_TIMEOUT';
/** The caller's signal ended the exchange. */
const ABORTED = 'ABORT_ERR';

/** An unreachable host fails each attempt after this long, not after the operating system's minutes. */
const CONNECT_TIMEOUT_MS = 10_000;
/**
 * An idle kept-alive connection is closed after this long (sooner when the
 * server announces a shorter `Keep-Alive: timeout`), so a later request never
 * waits on one a middlebox has silently dropped.
 */
const IDLE_CONNECTION_MS = 10_000;

export interface Exchange {
  status: number;
  headers: IncomingHttpHeaders;
  /** The whole body of a 2xx answer; of any other, only its first `maxErrorBodyBytes`. */
  body: string;
}

export interface ExchangeRequest {
  method: string;
  /** Path and query, sent to `origin`. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** How long the server may stay silent: before the answer's headers and between its chunks. */
  answerTimeoutMs: number;
  maxErrorBodyBytes: number;
  signal: AbortSignal;
}

/** A keep-alive connection pool for one origin, holding at most `maxSockets` connections. */
export function connectionPool(origin: URL, maxSockets: number): HttpAgent {
  const options = { keepAlive: true, maxSockets, timeout: IDLE_CONNECTION_MS };
  return origin.protocol === 'https:' ? new HttpsAgent(options) : new HttpAgent(options);
}

/**
 * Sends one request through `pool` (made by `connectionPool` for `origin`)
 * and settles once: with the answer, or with a coded error after which the
 * connection is dropped, never reused.
 */
export function exchange(pool: HttpAgent, origin: URL, request: ExchangeRequest): Promise<Exchange> {
  const secure = origin.protocol === 'https:';
  if (request.signal.aborted) return Promise.reject(coded(ABORTED, 'the request was aborted'));
  const headers = request.body === undefined ? request.headers : { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) };
  return new Promise((resolve, reject) => {
    let settled = false;
    let connectTimer: NodeJS.Timeout | undefined;
    const outgoing = (secure ? httpsRequest : httpRequest)(origin, { agent: pool, method: request.method, path: request.path, headers });
    const end = () => {
      settled = true;
      clearTimeout(connectTimer);
      request.signal.removeEventListener('abort', abort);
    };
    const fail = (error: Error) => {
      if (settled) return;
      end();
      reject(error);
      outgoing.destroy();
    };
    const abort = () => fail(coded(ABORTED, 'the request was aborted'));
    // The answer timeout starts once connected, so it never fires for a slow connection: the connect timeout does.
    const awaitAnswer = () => outgoing.setTimeout(request.answerTimeoutMs, () => fail(coded(ANSWER_TIMEOUT, 'the server sent nothing within the timeout')));

    request.signal.addEventListener('abort', abort);
    outgoing.on('error', fail);
    outgoing.on('socket', (socket) => {
      if (!socket.connecting) return awaitAnswer();
      connectTimer = setTimeout(() => fail(coded(CONNECT_TIMEOUT, 'no connection within the timeout')), CONNECT_TIMEOUT_MS);
      socket.once(secure ? 'secureConnect' : 'connect', () => {
        clearTimeout(connectTimer);
        awaitAnswer();
      });
    });
    outgoing.on('response', (response) => {
      const status = response.statusCode ?? 0;
      const whole = status >= 200 && status < 300;
      const chunks: Buffer[] = [];
      let size = 0;
      const answer = () => {
        if (settled) return;
        end();
        const body = Buffer.concat(chunks);
        resolve({ status, headers: response.headers, body: (whole ? body : body.subarray(0, request.maxErrorBodyBytes)).toString('utf8') });
      };
      response.on('error', fail);
      // Every answer closes once read; only one closed before its end is a failure (and only then is an error worth building).
      response.on('close', () => {
        if (!settled) fail(coded('ECONNRESET', 'the connection closed during the answer'));
      });
      response.on('end', answer);
      response.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        // Messages show a short excerpt of an error body anyway: the rest is not downloaded.
        if (!whole && size >= request.maxErrorBodyBytes) {
          answer();
          response.destroy();
        }
      });
    });
    outgoing.end(request.body);
  });
}

function coded(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}
