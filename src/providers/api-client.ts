/**
 * The one request helper: every call to the management API goes through
 * `ApiClient.request`. It owns the keep-alive connection pool, the
 * concurrency limit, per-request timeouts, the run deadline, and retries with
 * backoff. Nothing above this file retries or sleeps.
 */
import { BlockList, isIP } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import pLimit, { type LimitFunction } from 'p-limit';
import type { Agent } from 'node:http';
import { ApiError, TransportError, apiErrorFromBody, describeBody, excerpt, parseJson } from './api-error.js';
import { apiKeyProblem } from './api-key.js';
import { ANSWER_TIMEOUT, CONNECT_TIMEOUT, connectionPool, exchange } from './http-exchange.js';
import { DEFAULT_CONCURRENCY, DEFAULT_MAX_RETRIES } from './request-defaults.js';
import { gatesyncUserAgent } from './user-agent.js';

/** Answers worth another try: the request did not take effect, or may be repeated safely (bulk writes are idempotent). */
const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
const RETRYABLE_ERROR_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', CONNECT_TIMEOUT, ANSWER_TIMEOUT]);

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** How long after the run's deadline a request's own timeout may fire (see `requestTimeout`). */
const DEADLINE_GRACE_MS = 250;
const BACKOFF_BASE_MS = 200;
const BACKOFF_CAP_MS = 20_000;
/** Only the start of an error body is read: messages show a short excerpt of it anyway. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;
/** A server asking for a longer wait than this gets no retry: the run fails now rather than hang. */
export const MAX_RETRY_AFTER_MS = 120_000;
const API_PATH = '/api/v1';

export interface RequestEvent {
  method: string;
  path: string;
  status: number | 'error';
  attempt: number;
  durationMs: number;
  /** Set when the helper will try again, and how long it waits first. */
  retryInMs?: number;
  detail?: string;
}

export interface ApiClientOptions {
  baseUrl: string;
  apiKey: string;
  /** Where the key came from, named in the hint of a 401 (default `MODELGATES_API_KEY`). */
  apiKeySource?: string;
  concurrency?: number;
  maxRetries?: number;
  requestTimeoutMs?: number;
  /** Epoch milliseconds at which requests in flight are aborted and no other starts. */
  deadline?: number;
  /** Called once per attempt; never given headers, so it cannot leak the key. */
  onRequest?: (event: RequestEvent) => void;
  /** Source of randomness for backoff jitter (tests pass a fixed one). */
  random?: () => number;
}

/** Set by `request` to the attempts it made: above 1, an earlier attempt of a write may have taken effect although its answer was lost. */
export interface AttemptCount {
  count: number;
}

export interface ApiClientStats {
  requests: number;
  retries: number;
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** True for `localhost` and for IPv4 and IPv6 loopback literals (the host as `URL` spells it). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  const family = isIP(host);
  if (family === 0) return host === 'localhost';
  return LOOPBACK.check(host, family === 4 ? 'ipv4' : 'ipv6');
}

/** Throws when the base URL is not one, or would send the key in clear text to another machine. */
export function checkBaseUrl(baseUrl: string): URL {
  const example = 'e.g. https://modelgates.ai/api/v1';
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error(`MODELGATES_BASE_URL is not a URL (${example})`);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol !== 'http:') throw new Error(`MODELGATES_BASE_URL must start with https:// but starts with ${JSON.stringify(url.protocol)} (${example})`);
  if (!isLoopbackHost(url.hostname)) {
    throw new Error(`MODELGATES_BASE_URL must use https for ${url.hostname}: plain http would send the key in clear text, and is allowed only for loopback hosts (127.0.0.0/8, ::1, localhost)`);
  }
  return url;
}

export class ApiClient {
  readonly stats: ApiClientStats = { requests: 0, retries: 0 };
  private readonly pool: Agent;
  private readonly url: URL;
  private readonly basePath: string;
  private readonly limit: LimitFunction;
  private readonly headers: Record<string, string>;
  private readonly maxRetries: number;
  private readonly requestTimeoutMs: number;
  private readonly random: () => number;
  private readonly deadlineTimer: NodeJS.Timeout | undefined;
  private expired = false;
  private closed = false;
  /** Each request in flight, aborted at the run deadline, with its `METHOD path` for the message. */
  private readonly inFlight = new Map<AbortController, string>();

  constructor(private readonly options: ApiClientOptions) {
    const problem = apiKeyProblem(options.apiKey);
    if (problem !== undefined) throw new Error(`the management key is not usable: ${problem}`);
    this.url = checkBaseUrl(options.baseUrl);
    const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    this.pool = connectionPool(this.url, concurrency);
    this.basePath = this.url.pathname.replace(/\/+$/, '');
    this.limit = pLimit(concurrency);
    this.headers = { authorization: `Bearer ${options.apiKey}`, accept: 'application/json', 'user-agent': gatesyncUserAgent() };
    this.maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.random = options.random ?? Math.random;
    if (options.deadline !== undefined) {
      this.deadlineTimer = setTimeout(() => this.expire(), Math.max(0, options.deadline - Date.now()));
      // The timer bounds requests; it must not keep a finished process alive.
      this.deadlineTimer.unref();
    }
  }

  get<T>(path: string, query: Record<string, string | number | undefined> = {}): Promise<T> {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) if (value !== undefined) search.set(name, String(value));
    const qs = search.toString();
    return this.request<T>('GET', qs ? `${path}?${qs}` : path);
  }

  post<T>(path: string, body: unknown, attempts?: AttemptCount): Promise<T> {
    return this.request<T>('POST', path, JSON.stringify(body), attempts);
  }

  /**
   * Ends the client at once, so the process can exit. Requests still in
   * flight (the siblings of one that failed) are aborted and none starts
   * after: their answers can no longer matter.
   */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.deadlineTimer);
    for (const abort of this.inFlight.keys()) abort.abort();
    this.pool.destroy();
  }

  /** Sends one call, retrying what is safe to retry; throws `ApiError` or `TransportError`. */
  async request<T>(method: string, path: string, body?: string, attempts?: AttemptCount): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      if (attempts) attempts.count = attempt;
      this.checkDeadline(method, path);
      const started = performance.now();
      const outcome = await this.limit(() => this.attempt(method, path, body));
      const durationMs = Math.round(performance.now() - started);
      if (outcome.ok) {
        this.options.onRequest?.({ method, path, status: outcome.status, attempt, durationMs });
        return outcome.value as T;
      }
      const retryInMs = attempt <= this.maxRetries ? this.retryDelay(outcome, attempt) : undefined;
      this.options.onRequest?.({
        method,
        path,
        status: outcome.error instanceof ApiError ? outcome.error.status : 'error',
        attempt,
        durationMs,
        retryInMs,
        detail: outcome.error instanceof TransportError ? outcome.error.reason : undefined,
      });
      if (retryInMs === undefined) throw outcome.error;
      this.stats.retries++;
      await this.sleepWithinDeadline(retryInMs, method, path);
    }
  }

  private async attempt(method: string, path: string, body?: string): Promise<Attempt> {
    this.checkDeadline(method, path);
    this.stats.requests++;
    const abort = new AbortController();
    this.inFlight.set(abort, `${method} ${path}`);
    // An attempt that wakes from its backoff after `close` must not open a connection again.
    if (this.closed) abort.abort();
    try {
      const response = await exchange(this.pool, this.url, {
        method,
        path: this.basePath + path,
        headers: body === undefined ? this.headers : { ...this.headers, 'content-type': 'application/json' },
        body,
        answerTimeoutMs: this.requestTimeout(),
        maxErrorBodyBytes: MAX_ERROR_BODY_BYTES,
        signal: abort.signal,
      });
      const { status, body: text } = response;
      if (status >= 200 && status < 300) return this.success(status, text, method, path);
      return {
        ok: false,
        error: apiErrorFromBody(status, text, method, path, this.options.apiKey, this.hintFor(status, text)),
        retryable: RETRYABLE_STATUSES.has(status),
        retryAfterMs: parseRetryAfter(response.headers),
      };
    } catch (error) {
      if (this.expired) return { ok: false, error: this.timedOut(method, path), retryable: false };
      const code = (error as { code?: string }).code ?? '';
      return { ok: false, error: new TransportError(method, path, this.describeFailure(error, code)), retryable: RETRYABLE_ERROR_CODES.has(code) };
    } finally {
      this.inFlight.delete(abort);
    }
  }

  /** A 2xx answer is input like any other: it must be the JSON the API documents. */
  private success(status: number, text: string, method: string, path: string): Attempt {
    if (status === 204) return { ok: true, status, value: {} };
    const value = parseJson(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return { ok: true, status, value };
    const what = value === undefined ? `${describeBody(text, this.options.apiKey)}, not JSON` : 'JSON that is not an object';
    return {
      ok: false,
      error: new TransportError(method, path, `the server answered ${status} with ${what}: ${this.baseUrlHint()}`),
      retryable: false,
    };
  }

  /** One sentence on what to check when a status points at the setup rather than the request. */
  private hintFor(status: number, text: string): string | null {
    if (status === 401) return `check the key in ${this.options.apiKeySource ?? 'MODELGATES_API_KEY'}: the API did not accept it`;
    if (status === 403) return 'the key may not do this: use a management key that covers the workspaces in the file';
    const apiShaped = typeof (parseJson(text) as { error?: unknown } | undefined)?.error === 'object';
    if (status === 404 && (!this.basePath.endsWith(API_PATH) || !apiShaped)) return this.baseUrlHint();
    return null;
  }

  /** Where the API lives, for answers that suggest the base URL points elsewhere. */
  private baseUrlHint(): string {
    if (!this.basePath.endsWith(API_PATH)) return `check MODELGATES_BASE_URL: the API's address ends in ${API_PATH}, e.g. https://modelgates.ai${API_PATH}`;
    return `check that MODELGATES_BASE_URL (${this.url.origin}${this.basePath}) is the API's address`;
  }

  /** What went wrong with the connection, in words, and what to check. */
  private describeFailure(error: unknown, code: string): string {
    const host = this.url.host;
    const timeoutSeconds = Math.round(this.requestTimeoutMs / 1000);
    switch (code) {
      case 'ECONNREFUSED':
        return `nothing accepts connections at ${host} (connection refused): check MODELGATES_BASE_URL and that the API is reachable from here`;
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return `the host ${this.url.hostname} was not found (DNS ${code}): check the host name in MODELGATES_BASE_URL and the network`;
      case CONNECT_TIMEOUT:
      case 'ETIMEDOUT':
      case 'EHOSTUNREACH':
      case 'ENETUNREACH':
        return `no connection to ${host} (${code}): check MODELGATES_BASE_URL, the network, and any proxy or firewall`;
      case ANSWER_TIMEOUT:
        return `${host} sent no answer within ${timeoutSeconds} s (${code})`;
      case 'ECONNRESET':
      case 'EPIPE':
        return `${host} closed the connection before answering (${code})`;
      default:
        if (code.startsWith('ERR_TLS') || code.includes('CERT') || code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE') {
          return `the TLS certificate of ${host} was not accepted (${code}): check the host name in MODELGATES_BASE_URL; behind a proxy that inspects TLS, NODE_EXTRA_CA_CERTS names its certificate authority`;
        }
        return `no answer from ${host}: ${excerpt(`${code} ${(error as Error)?.message ?? String(error)}`, this.options.apiKey)}`;
    }
  }

  /** Full-jitter exponential backoff, never shorter than what the server asked for. */
  private retryDelay(outcome: Failure, attempt: number): number | undefined {
    if (!outcome.retryable) return undefined;
    if (outcome.retryAfterMs !== undefined && outcome.retryAfterMs > MAX_RETRY_AFTER_MS) return undefined;
    const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
    const jitter = Math.floor(this.random() * ceiling);
    return outcome.retryAfterMs !== undefined ? Math.max(outcome.retryAfterMs, 0) : jitter;
  }

  private requestTimeout(): number {
    if (this.options.deadline === undefined) return this.requestTimeoutMs;
    // At the deadline its own timer aborts what is in flight, saying so: a request's timeout due at the same moment must not win that race.
    return Math.max(1, Math.min(this.requestTimeoutMs, this.options.deadline - Date.now() + DEADLINE_GRACE_MS));
  }

  private timedOut(method: string, path: string): TransportError {
    const pending = [...new Set(this.inFlight.values())];
    const shown = pending.slice(0, 3).join(', ') + (pending.length > 3 ? ` and ${pending.length - 3} more` : '');
    const waiting = pending.length ? ` with ${pending.length} request${pending.length === 1 ? '' : 's'} unanswered (${shown})` : '';
    return new TransportError(method, path, `the run reached its time limit (--timeout)${waiting}; nothing further was sent`);
  }

  private expire(): void {
    this.expired = true;
    for (const abort of this.inFlight.keys()) abort.abort();
  }

  private checkDeadline(method: string, path: string): void {
    if (this.expired || (this.options.deadline !== undefined && Date.now() >= this.options.deadline)) {
      throw this.timedOut(method, path);
    }
  }

  private async sleepWithinDeadline(ms: number, method: string, path: string): Promise<void> {
    if (this.options.deadline !== undefined && Date.now() + ms >= this.options.deadline) {
      throw new TransportError(method, path, 'the run would reach its time limit (--timeout) while waiting to retry; nothing further was sent');
    }
    await sleep(ms);
  }
}

type Attempt = { ok: true; status: number; value: unknown } | Failure;
interface Failure {
  ok: false;
  error: ApiError | TransportError;
  retryable: boolean;
  retryAfterMs?: number;
}

/** `retry-after-ms` wins over `Retry-After`, which may be seconds or an HTTP date. */
export function parseRetryAfter(
  headers: Record<string, string | string[] | undefined>,
  now: number = Date.now(),
): number | undefined {
  const header = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const ms = header('retry-after-ms');
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.ceil(Number(ms));
  const after = header('retry-after')?.trim();
  if (after === undefined || after === '') return undefined;
  if (/^\d+$/.test(after)) return Number(after) * 1000;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
