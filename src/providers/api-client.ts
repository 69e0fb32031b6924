/**
 * The one request helper: every call to the management API goes through
 * `ApiClient.request`. It owns the keep-alive connection pool, the
 * concurrency limit, per-request timeouts, the run deadline, and retries with
 * backoff. Nothing above this file retries or sleeps.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pLimit, { type LimitFunction } from 'p-limit';
import { Pool } from 'undici';
import { ApiError, TransportError, apiErrorFromBody } from './api-error.js';

/** Answers worth another try: the request did not take effect, or may be repeated safely. */
const RETRYABLE_STATUSES = new Set([408, 429, 502, 503, 504]);
const RETRYABLE_ERROR_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

export const DEFAULT_CONCURRENCY = 8;
export const DEFAULT_MAX_RETRIES = 5;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
const BACKOFF_BASE_MS = 200;
const BACKOFF_CAP_MS = 20_000;
/** A server asking for a longer wait than this gets no retry: the run fails now rather than hang. */
export const MAX_RETRY_AFTER_MS = 120_000;

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
  concurrency?: number;
  maxRetries?: number;
  requestTimeoutMs?: number;
  /** Epoch milliseconds after which no request starts and no retry waits. */
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

/** Throws when the base URL would send the key in clear text to another machine. */
export function checkBaseUrl(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error(`MODELGATES_BASE_URL is not a URL: ${JSON.stringify(baseUrl)}`);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]', '::1'].includes(url.hostname) || url.hostname.startsWith('127.');
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new Error(`MODELGATES_BASE_URL must use https (plain http is allowed only for loopback hosts): ${url.origin}`);
  }
  return url;
}

export class ApiClient {
  readonly stats: ApiClientStats = { requests: 0, retries: 0 };
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly limit: LimitFunction;
  private readonly authorization: string;
  private readonly maxRetries: number;
  private readonly requestTimeoutMs: number;
  private readonly random: () => number;

  constructor(private readonly options: ApiClientOptions) {
    const url = checkBaseUrl(options.baseUrl);
    const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    this.pool = new Pool(url.origin, { connections: concurrency, keepAliveTimeout: 10_000 });
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.limit = pLimit(concurrency);
    this.authorization = `Bearer ${options.apiKey}`;
    this.maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.random = options.random ?? Math.random;
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

  async close(): Promise<void> {
    await this.pool.close();
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
    this.stats.requests++;
    try {
      const response = await this.pool.request({
        method: method as 'GET' | 'POST',
        path: this.basePath + path,
        body,
        headers: {
          authorization: this.authorization,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        headersTimeout: this.requestTimeoutMs,
        bodyTimeout: this.requestTimeoutMs,
      });
      const text = await response.body.text();
      if (response.statusCode >= 200 && response.statusCode < 300) {
        return { ok: true, status: response.statusCode, value: text ? JSON.parse(text) : {} };
      }
      return {
        ok: false,
        error: apiErrorFromBody(response.statusCode, text, method, path),
        retryable: RETRYABLE_STATUSES.has(response.statusCode),
        retryAfterMs: parseRetryAfter(response.headers),
      };
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      const reason = code ? `${code} ${(error as Error).message}` : String((error as Error).message ?? error);
      return { ok: false, error: new TransportError(method, path, reason), retryable: RETRYABLE_ERROR_CODES.has(code) };
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

  private checkDeadline(method: string, path: string): void {
    if (this.options.deadline !== undefined && Date.now() >= this.options.deadline) {
      throw new TransportError(method, path, 'the run timed out (--timeout)');
    }
  }

  private async sleepWithinDeadline(ms: number, method: string, path: string): Promise<void> {
    if (this.options.deadline !== undefined && Date.now() + ms >= this.options.deadline) {
      throw new TransportError(method, path, 'the run timed out (--timeout) while waiting to retry');
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
