/**
 * The simulator on its own thread of the benchmark's process. In-process
 * still, but with its own event loop (and the machine's second core), so
 * that the time it spends answering does not delay gatesync's event loop as
 * a remote API would not. The benchmark reads the simulator's statistics and
 * final state through messages.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { startSimulator, type SimulatorState } from '../src/simulator/index.js';

export interface ThreadStats {
  requests: number;
  writes: number;
  maxInFlight: number;
  byRoute: Record<string, number>;
  violations: string[];
  /** Milliseconds the simulator's event loop was busy since the last reset: its share of the process's CPU. */
  busyMs: number;
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
  const simulator = await startSimulator({ port: 0, state, latencyMs });
  let utilization = performance.eventLoopUtilization();
  port.on('message', async ({ id, command }: { id: number; command: Command }) => {
    try {
      switch (command) {
        case 'reset':
          simulator.stats.reset();
          utilization = performance.eventLoopUtilization();
          return port.postMessage({ id });
        case 'stats': {
          const { requests, writes, maxInFlight, byRoute, violations } = simulator.stats;
          const busyMs = performance.eventLoopUtilization(utilization).active;
          return port.postMessage({ id, value: { requests, writes, maxInFlight, byRoute, violations, busyMs } satisfies ThreadStats });
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
