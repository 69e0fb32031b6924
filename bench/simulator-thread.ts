/**
 * The simulator on its own thread of the benchmark's process, with its own
 * event loop (and the machine's second core), so that gatesync's processes
 * and the baseline script talk to it over loopback as they would to a remote
 * API. The benchmark reads its statistics, the requests it received and its
 * final state through messages.
 */
import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { startSimulator, type SimulatorState } from '../src/simulator/index.js';

/** One request as it arrived: `GET /api/v1/workspaces?offset=0&limit=100`. */
export interface LoggedRequest {
  method: string;
  url: string;
}

export interface ThreadStats {
  requests: number;
  writes: number;
  maxInFlight: number;
  violations: string[];
  /** Every request since the last reset, in arrival order. */
  log: LoggedRequest[];
  /**
   * Mean time from a request's arrival to the end of its answer, in ms: the
   * latency asked for plus the simulator's own work and its timers' lag (a
   * timer fires up to a millisecond late, never early).
   */
  answerMs: number;
}

type Command = 'reset' | 'stats' | 'snapshot' | 'close';

interface Start {
  state: SimulatorState;
  latencyMs: number;
}

/** The simulator, running on a worker thread; its methods talk to it. */
export class SimulatorThread {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  private constructor(
    private readonly worker: Worker,
    readonly url: string,
    readonly apiKey: string,
  ) {
    worker.on('message', ({ id, value, error }: { id: number; value?: unknown; error?: string }) => {
      const call = this.pending.get(id);
      this.pending.delete(id);
      if (error !== undefined) call?.reject(new Error(error));
      else call?.resolve(value);
    });
  }

  static async start(state: SimulatorState, latencyMs: number): Promise<SimulatorThread> {
    const worker = new Worker(new URL(import.meta.url), { workerData: { state, latencyMs } satisfies Start });
    const { url, apiKey } = await new Promise<{ url: string; apiKey: string }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    return new SimulatorThread(worker, url, apiKey);
  }

  reset(): Promise<void> {
    return this.call('reset') as Promise<void>;
  }

  stats(): Promise<ThreadStats> {
    return this.call('stats') as Promise<ThreadStats>;
  }

  /** `store.snapshot()`, as JSON: what a reconciler changed. */
  snapshot(): Promise<string> {
    return this.call('snapshot') as Promise<string>;
  }

  async close(): Promise<void> {
    await this.call('close');
    await this.worker.terminate();
  }

  private call(command: Command): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, command });
    });
  }
}

async function serve(port: NonNullable<typeof parentPort>, { state, latencyMs }: Start): Promise<void> {
  let log: LoggedRequest[] = [];
  const arrivals = new WeakMap<ServerResponse, number>();
  let answers = { count: 0, totalMs: 0 };
  // The simulator's own log holds writes only; the lower bound needs every read's path and offset too, and how long answers took.
  subscribe('http.server.request.start', (message) => {
    const { request, response } = message as { request: IncomingMessage; response: ServerResponse };
    arrivals.set(response, performance.now());
    log.push({ method: request.method ?? 'GET', url: request.url ?? '/' });
  });
  subscribe('http.server.response.finish', (message) => {
    const arrived = arrivals.get((message as { response: ServerResponse }).response);
    if (arrived === undefined) return;
    answers.count += 1;
    answers.totalMs += performance.now() - arrived;
  });
  const simulator = await startSimulator({ port: 0, state, latencyMs });
  port.on('message', async ({ id, command }: { id: number; command: Command }) => {
    try {
      switch (command) {
        case 'reset':
          simulator.stats.reset();
          log = [];
          answers = { count: 0, totalMs: 0 };
          return port.postMessage({ id });
        case 'stats': {
          const { requests, writes, maxInFlight, violations } = simulator.stats;
          const answerMs = answers.count ? answers.totalMs / answers.count : latencyMs;
          return port.postMessage({ id, value: { requests, writes, maxInFlight, violations, log, answerMs } satisfies ThreadStats });
        }
        case 'snapshot':
          return port.postMessage({ id, value: JSON.stringify(simulator.store.snapshot()) });
        case 'close':
          await simulator.close();
          return port.postMessage({ id });
      }
    } catch (error) {
      port.postMessage({ id, error: (error as Error).message });
    }
  });
  port.postMessage({ url: simulator.url, apiKey: simulator.apiKey });
}

if (!isMainThread && parentPort) await serve(parentPort, workerData as Start);
