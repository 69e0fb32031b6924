/**
 * What the benchmark holds gatesync to, checked against a run's figures.
 * Counts and final states are the same on every machine, so only they
 * decide the exit code; timing targets are reported, not enforced.
 */
import type { PlannerMicroResult } from './planner-micro.js';
import type { SizeResult } from './run-size.js';

/** Whole processes, file loading and process start included, against the round-trip bound. */
export const END_TO_END_FACTOR = 1.2;
export const END_TO_END_SIZES: readonly number[] = [10_000, 50_000];
export const PLANNER_CPU_MS = 2_000;
export const PLANNER_MEMORY_MB = 1_024;

export interface Target {
  name: string;
  met: boolean;
  detail: string;
  timing?: boolean;
}

export interface BenchReport {
  date: string;
  node: string;
  cpus: number;
  /** The machine's 1-minute load average when the run started and when it ended: other work slows the timings. */
  loadAverage: { start: number; end: number };
  latencyMs: number;
  sizes: SizeResult[];
  planner: PlannerMicroResult;
}

export const n = (value: number) => value.toLocaleString('en-US');

/** Plan and apply together over their bounds: the end-to-end ratio. */
export function endToEndRatio(size: SizeResult): number | undefined {
  if (!size.plan || !size.apply) return undefined;
  return (size.plan.wallMs + size.apply.wallMs) / (size.plan.lowerBoundMs + size.apply.lowerBoundMs);
}

export function targetsOf(report: BenchReport): Target[] {
  const targets: Target[] = [];
  for (const size of report.sizes) {
    const at = `${n(size.memberships)}:`;
    const { plan, apply, baseline } = size;
    if (size.error !== undefined || !plan || !apply) {
      targets.push({ name: `${at} gatesync plans and applies the file`, met: false, detail: size.error ?? 'no figures' });
      continue;
    }
    targets.push(
      {
        name: `${at} plan makes no more requests than the baseline's reads`,
        met: plan.requests <= size.baselineReads,
        detail: `${n(plan.requests)} ≤ ${n(size.baselineReads)}`,
      },
      {
        name: `${at} apply's write calls = Σ ⌈n/${size.batchSize}⌉ per resource and call kind`,
        met: apply.writes === apply.minimalWrites,
        detail: `${n(apply.writes)} made, ${n(apply.minimalWrites)} minimal`,
      },
      {
        name: `${at} planning again after apply finds nothing, no call out of order`,
        met: size.converged === true && size.violations?.length === 0,
        detail: `${size.converged ? 'converged' : 'changes left'}, ${size.violations?.length ?? 0} violations`,
      },
    );
    if (baseline) {
      targets.push(
        { name: `${at} the baseline reaches the same final state`, met: baseline.sameFinalState, detail: baseline.sameFinalState ? 'same' : 'differs' },
        {
          name: `${at} the baseline's write calls are as few as gatesync's`,
          met: baseline.writeRequests === apply.minimalWrites,
          detail: `${n(baseline.writeRequests)} made, ${n(apply.minimalWrites)} minimal`,
        },
      );
    }
    const ratio = endToEndRatio(size);
    if (END_TO_END_SIZES.includes(size.memberships) && ratio !== undefined) {
      targets.push({
        name: `${at} plan + apply end to end ≤ ${END_TO_END_FACTOR} × the round-trip bound`,
        met: ratio <= END_TO_END_FACTOR,
        detail: ratio.toFixed(2),
        timing: true,
      });
    }
    for (const shape of size.shapes ?? []) {
      targets.push({
        name: `${at} "${shape.shape}": plan requests ≤ the baseline's reads`,
        met: shape.gatesyncPlanRequests <= shape.baselineReadRequests,
        detail: `${n(shape.gatesyncPlanRequests)} ≤ ${n(shape.baselineReadRequests)}`,
      });
    }
  }
  const { planner } = report;
  targets.push(
    { name: `planner: ${n(planner.memberships)} memberships in < ${PLANNER_CPU_MS / 1000} s CPU`, met: planner.cpuMs < PLANNER_CPU_MS, detail: `${(planner.cpuMs / 1000).toFixed(2)} s`, timing: true },
    { name: `planner: ${n(planner.memberships)} memberships in < ${PLANNER_MEMORY_MB} MB`, met: planner.peakRssMb < PLANNER_MEMORY_MB, detail: `${Math.round(planner.peakRssMb)} MB` },
  );
  return targets;
}
