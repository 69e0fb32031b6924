/**
 * The simulated ModelGates management API over real HTTP (node:http, bound
 * to 127.0.0.1), for the provider and CLI tests, the demo and benchmarks.
 *
 * Per request: count it, draw its fault, read the body, wait until
 * `latencyMs` after the request arrived (reading the body is part of the
 * round trip, not added to it), then answer the fault or check the key,
 * route, validate and call the store.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { SimulatorError, errorBody } from './errors.js';
import { exampleState } from './example-org.js';
import { FaultInjector, faultBodyText } from './faults.js';
import type { FaultBody, FaultDecision, FaultRates } from './faults.js';
import { dropRows, parsePage, type PageAnswer } from './pagination.js';
import { matchRoute, readBatch } from './routes.js';
import type { Route } from './routes.js';
import type { SimulatorState } from './state.js';
import { SimulatorStats } from './stats.js';
import type { WriteLogEntry } from './stats.js';
import { SimulatorStore } from './store.js';
import type { RefusalMode } from './refusals.js';

export const DEFAULT_API_KEY = 'sim-management-key';
export const API_PREFIX = '/api/v1';
const MAX_BODY_BYTES = 16 * 1024 * 1024;
const DEFAULT_FAULT_SEED = 1;
const DEFAULT_RETRY_AFTER_SECONDS = 1;
const KEY_ASSIGNMENT_LISTINGS = new Set(['GET /guardrails/{id}/assignments/keys', 'GET /guardrails/assignments/keys']);

export interface SimulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The organization to serve; the built-in example org when absent. */
  state?: SimulatorState;
  /** The management key clients must send as `Authorization: Bearer <key>`. */
  apiKey?: string;
  /** Further keys that may read but not write: writes with them answer 403. */
  readOnlyApiKeys?: string[];
  /** Delay added to every answer, in milliseconds. */
  latencyMs?: number;
  faults?: FaultRates;
  /** Seed of the fault PRNG. */
  seed?: number;
  /** Bulk writes with more ids than this are refused with 413 (membership calls take at most 100 whatever this says: 400 beyond). */
  maxBatch?: number;
  /** How removals of members with active API keys or managed by SCIM are refused. */
  refusal?: RefusalMode;
  /** Users whose removals answer 200 but do not happen. */
  skipRemovalOf?: string[];
  /** `Retry-After` of injected 429 answers (also sent as `retry-after-ms`). Default 1. */
  retryAfterSeconds?: number;
  /** The body of injected status faults: the documented JSON error (the default) or one of a proxy's answers. */
  faultBody?: FaultBody;
  /**
   * Key-assignment listings drop every Nth row of the whole listing after
   * paging, as the service drops the rows of deleted keys: pages come back
   * short before the end, and `total_count` still counts the dropped rows.
   */
  dropKeyAssignmentRowEvery?: number;
}

export interface RunningSimulator {
  /** Base URL including the prefix, e.g. `http://127.0.0.1:40123/api/v1`. */
  url: string;
  port: number;
  apiKey: string;
  store: SimulatorStore;
  stats: SimulatorStats;
  /** Stops listening and drops open connections; safe to call twice. */
  close(): Promise<void>;
}

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Sent as is instead of `body` as JSON, with this content type. */
  raw?: { text: string; contentType: string };
}

/** Starts the simulator; resolves once it listens. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const apiKey = options.apiKey ?? DEFAULT_API_KEY;
  const readOnlyKeys = options.readOnlyApiKeys ?? [];
  const latencyMs = options.latencyMs ?? 0;
  const retryAfterSeconds = options.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS;
  if (!(latencyMs >= 0)) throw new Error(`latencyMs must be 0 or more, got ${latencyMs}`);
  if (!(retryAfterSeconds >= 0)) throw new Error(`retryAfterSeconds must be 0 or more, got ${retryAfterSeconds}`);
  if (options.maxBatch !== undefined && !(Number.isInteger(options.maxBatch) && options.maxBatch >= 1)) {
    throw new Error(`maxBatch must be a positive integer, got ${options.maxBatch}`);
  }
  const dropEvery = options.dropKeyAssignmentRowEvery;
  if (dropEvery !== undefined && !(Number.isInteger(dropEvery) && dropEvery >= 2)) {
    throw new Error(`dropKeyAssignmentRowEvery must be an integer of 2 or more, got ${dropEvery}`);
  }
  const store = new SimulatorStore(options.state ?? exampleState(), { refusal: options.refusal, skipRemovalOf: options.skipRemovalOf });
  const stats = new SimulatorStats();
  const faults = new FaultInjector(options.faults ?? {}, options.seed ?? DEFAULT_FAULT_SEED);
  const delays = new DelayTimers();

  const server = createServer((request, response) => {
    void serve(request, response).catch((error: unknown) => {
      if (!response.headersSent && !response.destroyed) {
        send(response, { status: 500, body: errorBody(500, `simulator bug: ${(error as Error).message}`) });
      }
    });
  });

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const startedAt = performance.now();
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', 'http://simulator.invalid');
    const underPrefix = url.pathname === API_PREFIX || url.pathname.startsWith(`${API_PREFIX}/`);
    const matched = underPrefix ? matchRoute(method, url.pathname.slice(API_PREFIX.length)) : undefined;

    stats.requests += 1;
    const userAgent = request.headers['user-agent'] ?? '';
    stats.userAgents[userAgent] = (stats.userAgents[userAgent] ?? 0) + 1;
    const seq = stats.requests;
    const routeKey = matched?.route.key ?? 'unmatched';
    stats.byRoute[routeKey] = (stats.byRoute[routeKey] ?? 0) + 1;
    stats.inFlight += 1;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    let logEntry: WriteLogEntry | undefined;
    if (matched?.route.batchField !== undefined) {
      stats.writes += 1;
      logEntry = { seq, method, path: url.pathname, route: routeKey, status: 0, startedAt, endedAt: startedAt };
      stats.log.push(logEntry);
    }
    response.on('close', () => {
      stats.inFlight -= 1;
      if (logEntry !== undefined) {
        logEntry.endedAt = performance.now();
        logEntry.status = response.headersSent ? response.statusCode : 0;
      }
    });
    const fault = faults.draw();

    const body = await readBody(request);
    if (logEntry !== undefined && matched !== undefined) describeBatch(logEntry, matched.route, body.value);
    await delays.until(startedAt + latencyMs);
    if (response.destroyed) return;

    if (fault.kind !== 'none') recordFault(fault, logEntry);
    if (fault.kind === 'status') {
      const headers: Record<string, string> =
        fault.status === 429 ? { 'retry-after': String(retryAfterSeconds), 'retry-after-ms': String(retryAfterSeconds * 1000) } : {};
      const raw = options.faultBody && options.faultBody !== 'json' ? faultBodyText(options.faultBody, fault.status, request.rawHeaders) : undefined;
      send(response, { status: fault.status, body: errorBody(fault.status, faultMessage(fault.status)), headers, raw });
      return;
    }
    if (fault.kind === 'reset' && fault.when === 'before') {
      request.socket.destroy();
      return;
    }
    const answer = answerRequest(request, url, matched, underPrefix, body);
    if (fault.kind === 'reset') {
      request.socket.destroy();
      return;
    }
    send(response, answer);
  }

  function recordFault(fault: Exclude<FaultDecision, { kind: 'none' }>, logEntry: WriteLogEntry | undefined): void {
    const name = fault.kind === 'status' ? String(fault.status) : `reset-${fault.when}`;
    stats.faultsInjected += 1;
    stats.faultsByKind[name] = (stats.faultsByKind[name] ?? 0) + 1;
    if (logEntry !== undefined) logEntry.fault = name;
  }

  function answerRequest(
    request: IncomingMessage,
    url: URL,
    matched: { route: Route; params: string[] } | undefined,
    underPrefix: boolean,
    body: ReadBody,
  ): Answer {
    try {
      if (!underPrefix) throw new SimulatorError(404, `No route for ${request.method} ${url.pathname}`);
      const key = checkKey(request.headers.authorization, [apiKey, ...readOnlyKeys]);
      if (request.method !== 'GET' && readOnlyKeys.includes(key)) {
        throw new SimulatorError(403, 'This key may read the organization but not change it: use a management key with write access');
      }
      if (matched === undefined) throw new SimulatorError(404, `No route for ${request.method} ${url.pathname}`);
      const { route, params } = matched;
      let batch: string[] = [];
      if (route.batchField !== undefined) {
        if (body.tooLarge) throw new SimulatorError(413, `Request body exceeds ${MAX_BODY_BYTES} bytes`);
        if (body.invalid) throw new SimulatorError(400, 'Request body is not valid JSON');
        batch = readBatch(body.value, route.batchField);
        if (options.maxBatch !== undefined && batch.length > options.maxBatch) {
          throw new SimulatorError(413, `Too many ids in one request: ${batch.length}, at most ${options.maxBatch}`, {
            metadata: { max_batch: options.maxBatch, received: batch.length },
          });
        }
      }
      const result = route.handle({
        store,
        params,
        query: url.searchParams,
        batch,
        recordViolation: (message) => stats.violations.push(message),
      });
      const dropsRows = dropEvery !== undefined && KEY_ASSIGNMENT_LISTINGS.has(route.key);
      return { status: 200, body: dropsRows ? dropRows(result as PageAnswer, parsePage(url.searchParams), dropEvery) : result };
    } catch (error) {
      if (error instanceof SimulatorError) {
        return { status: error.status, body: errorBody(error.status, error.message, error.userId, error.metadata) };
      }
      throw error;
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve, reject) => {
      delays.releaseAll();
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
    return closing;
  };

  return { url: `http://127.0.0.1:${port}${API_PREFIX}`, port, apiKey, store, stats, close };
}

/** Returns the key the request carries, when it is one of `keys`. */
function checkKey(header: string | undefined, keys: string[]): string {
  if (header === undefined || header.trim() === '') {
    throw new SimulatorError(401, 'Missing Authorization header: a management key is required (Authorization: Bearer <key>)');
  }
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (match === null || !keys.includes(match[1]!)) throw new SimulatorError(401, 'Invalid management key');
  return match[1]!;
}

function faultMessage(status: number): string {
  switch (status) {
    case 408:
      return 'Request timeout (injected fault)';
    case 429:
      return 'Rate limit exceeded (injected fault)';
    case 502:
      return 'Bad gateway (injected fault)';
    case 503:
      return 'Service unavailable (injected fault)';
    case 504:
      return 'Gateway timeout (injected fault)';
    default:
      return 'Internal server error (injected fault)';
  }
}

function describeBatch(entry: WriteLogEntry, route: Route, body: unknown): void {
  if (typeof body !== 'object' || body === null || route.batchField === undefined) return;
  const ids = (body as Record<string, unknown>)[route.batchField];
  if (!Array.isArray(ids)) return;
  const strings = ids.filter((id): id is string => typeof id === 'string');
  if (route.batchField === 'key_hashes') entry.keyHashes = strings;
  else entry.userIds = strings;
}

function send(response: ServerResponse, answer: Answer): void {
  const text = answer.raw?.text ?? JSON.stringify(answer.body);
  response.writeHead(answer.status, {
    'content-type': answer.raw?.contentType ?? 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...answer.headers,
  });
  response.end(text);
}

interface ReadBody {
  value: unknown;
  invalid: boolean;
  tooLarge: boolean;
}

async function readBody(request: IncomingMessage): Promise<ReadBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) tooLarge = true;
    else chunks.push(buffer);
  }
  if (tooLarge) return { value: undefined, invalid: false, tooLarge };
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return { value: undefined, invalid: true, tooLarge };
  try {
    return { value: JSON.parse(text) as unknown, invalid: false, tooLarge };
  } catch {
    return { value: undefined, invalid: true, tooLarge };
  }
}

/** Latency timers that `close()` can release at once, so shutdown never waits on them. */
class DelayTimers {
  private readonly pending = new Map<NodeJS.Timeout, () => void>();
  private released = false;

  /** Resolves at `deadline` (a `performance.now()` time) or just after, never before: timers may fire up to a millisecond early. */
  async until(deadline: number): Promise<void> {
    for (let left = deadline - performance.now(); left > 0 && !this.released; left = deadline - performance.now()) await this.sleep(Math.ceil(left));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(timer);
        resolve();
      }, ms);
      this.pending.set(timer, resolve);
    });
  }

  releaseAll(): void {
    this.released = true;
    for (const [timer, resolve] of this.pending) {
      clearTimeout(timer);
      resolve();
    }
    this.pending.clear();
  }
}
