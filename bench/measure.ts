/**
 * What the benchmark measures and the bounds it measures against: wall and
 * CPU time, peak RSS, and the latency lower bound of a set of requests with
 * dependencies under a concurrency limit.
 */
import { resourceUsage } from 'node:process';

export interface PhaseFigures {
  wallMs: number;
  /** User + system CPU of the whole process: gatesync and the in-process simulator. */
  cpuMs: number;
  peakRssMb: number;
}

/** Often enough to see a phase's peak; each sample costs about 0.05 ms of the event loop. */
const RSS_SAMPLE_MS = 20;

/** Runs `work`, sampling RSS every 20 ms; the peak is also checked against the process's lifetime maximum. */
export async function measure<T>(work: () => Promise<T>): Promise<{ value: T; figures: PhaseFigures }> {
  const maxRssBefore = resourceUsage().maxRSS * 1024;
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, RSS_SAMPLE_MS);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  try {
    const value = await work();
    const wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    peak = Math.max(peak, process.memoryUsage.rss());
    // A new lifetime maximum was reached during `work`: it is this phase's peak, even between two samples.
    const maxRssAfter = resourceUsage().maxRSS * 1024;
    if (maxRssAfter > maxRssBefore) peak = Math.max(peak, maxRssAfter);
    return { value, figures: { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, peakRssMb: peak / 2 ** 20 } };
  } finally {
    clearInterval(sampler);
  }
}

/**
 * The least time requests can take when a request of depth k can start only
 * after k − 1 round trips (the requests it depends on), at most
 * `concurrency` run at once and each takes at least `latencyMs`: for every
 * depth k, the requests of depth k or more cannot start before (k − 1)
 * round trips and need ⌈count/concurrency⌉ more. The bound is the largest.
 */
export function latencyLowerBound(depths: readonly number[], concurrency: number, latencyMs: number): number {
  const deepest = Math.max(0, ...depths);
  let bound = 0;
  for (let k = 1; k <= deepest; k++) {
    const count = depths.filter((depth) => depth >= k).length;
    if (count > 0) bound = Math.max(bound, k - 1 + Math.ceil(count / concurrency));
  }
  return bound * latencyMs;
}

/** Requests per depth, 1-based: `[3, 12]` means 3 requests of depth 1 and 12 of depth 2. */
export function countByDepth(depths: readonly number[]): number[] {
  const counts: number[] = [];
  for (const depth of depths) counts[depth - 1] = (counts[depth - 1] ?? 0) + 1;
  return Array.from(counts, (count) => count ?? 0);
}

/** The same requests run stage by stage, each stage waiting for the previous one: Σ ⌈count/concurrency⌉ round trips. */
export function stagedTime(depths: readonly number[], concurrency: number, latencyMs: number): number {
  return countByDepth(depths).reduce((sum, count) => sum + Math.ceil(count / concurrency), 0) * latencyMs;
}
