/**
 * `npm run bench`: gatesync's plan and apply against the simulator at 25 ms
 * latency on organizations of 1,000, 10,000 and 50,000 memberships, the
 * sequential baseline on the smaller two, and the planner alone on
 * 1,000,000 memberships. Prints a table with every target and ✓/✗, and
 * writes the same figures to bench/results.json. Exits 1 when a count or
 * state target is missed (timing targets are reported, not enforced).
 *
 * Options: `--sizes 1000,10000` (default: all three), `--baseline-max N`
 * (largest size the baseline runs on; default 10000).
 */
import { execFile } from 'node:child_process';
import { cpus } from 'node:os';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { packageRoot } from '../src/cli/package-root.js';
import type { PlannerMicroResult } from './planner-micro.js';
import { LATENCY_MS, type SizeResult } from './run-size.js';
import { SIZES } from './scenario.js';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));

const PLAN_LATENCY_FACTOR = 1.5;
const BASELINE_SPEEDUP = 5;
const BASELINE_SPEEDUP_SIZE = 10_000;
const PLANNER_MEMBERSHIPS = 1_000_000;
const PLANNER_CPU_MS = 2_000;
const PLANNER_MEMORY_MB = 1_024;

interface Target {
  name: string;
  met: boolean;
  detail: string;
  /** Timings vary from machine to machine; counts and states do not, so only they decide the exit code. */
  timing?: boolean;
}

async function child(script: string, args: string[], nodeFlags: string[] = []): Promise<unknown> {
  const { stdout } = await run(process.execPath, [...nodeFlags, join(here, script), ...args], { maxBuffer: 64 * 2 ** 20 });
  const line = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line);
}

function option(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const n = (value: number) => value.toLocaleString('en-US');
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (value: number) => `${Math.round(value)} MB`;
const mark = (met: boolean) => (met ? '✓' : '✗');
const pad = (cells: string[], widths: number[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd();

async function main(): Promise<void> {
  const sizes = (option('--sizes')?.split(',').map(Number) ?? SIZES.map((size) => size.memberships)).filter((m) =>
    SIZES.some((size) => size.memberships === m),
  );
  const baselineMax = Number(option('--baseline-max') ?? BASELINE_SPEEDUP_SIZE);
  const out = (line = '') => process.stdout.write(line + '\n');

  out(`gatesync benchmark: simulator in-process on loopback, ${LATENCY_MS} ms latency per request, Node ${process.version}, ${cpus().length} CPUs`);
  out('');

  const results: SizeResult[] = [];
  for (const memberships of sizes) {
    process.stderr.write(`[bench] ${n(memberships)} memberships${memberships <= baselineMax ? ' (with the sequential baseline)' : ''}…\n`);
    results.push((await child('run-size.js', [String(memberships), ...(memberships <= baselineMax ? ['--baseline'] : [])])) as SizeResult);
  }
  process.stderr.write(`[bench] planner on ${n(PLANNER_MEMBERSHIPS)} memberships…\n`);
  const planner = (await child('planner-micro.js', [String(PLANNER_MEMBERSHIPS)], [`--max-old-space-size=${PLANNER_MEMORY_MB}`])) as PlannerMicroResult;

  const targets: Target[] = [];
  const widths = [8, 6, 6, 9, 20, 9, 17, 9, 12, 14];
  out(`gatesync (concurrency ${results[0]?.concurrency ?? 8}, batch size ${results[0]?.batchSize ?? 100}); CPU and RSS are the whole process, the simulator's thread included (its share in parentheses)`);
  out(pad(['size', 'keys', 'phase', 'wall', 'requests (min)', 'in flight', 'CPU (simulator)', 'peak RSS', 'lower bound', 'wall/bound (plan: without loading the file)'], widths));
  for (const r of results) {
    const planRequestsMet = r.plan.requests === r.plan.expectedRequests;
    // The latency bound covers the part of plan that waits on the API; loading the file is CPU work before it, shown apart.
    const planRatio = r.plan.wallMs / r.plan.lowerBoundMs;
    const readRatio = (r.plan.wallMs - r.plan.loadMs) / r.plan.lowerBoundMs;
    const planTimeMet = readRatio <= PLAN_LATENCY_FACTOR;
    const applyMet = r.apply.requests === r.apply.expectedRequests && r.apply.ok;
    out(
      pad(
        [n(r.memberships), n(r.keys), 'plan', s(r.plan.wallMs), `${n(r.plan.requests)} (${n(r.plan.expectedRequests)}) ${mark(planRequestsMet)}`, String(r.plan.maxInFlight),
          `${s(r.plan.cpuMs)} (${s(r.plan.simulatorCpuMs)})`, mb(r.plan.peakRssMb), s(r.plan.lowerBoundMs), `${readRatio.toFixed(2)} ${mark(planTimeMet)} (${planRatio.toFixed(2)} with loading)`],
        widths,
      ),
    );
    out(
      pad(
        [n(r.memberships), n(r.keys), 'apply', s(r.apply.wallMs), `${n(r.apply.requests)} (${n(r.apply.expectedRequests)}) ${mark(applyMet)}`, String(r.apply.maxInFlight),
          `${s(r.apply.cpuMs)} (${s(r.apply.simulatorCpuMs)})`, mb(r.apply.peakRssMb), s(r.apply.lowerBoundMs), (r.apply.wallMs / r.apply.lowerBoundMs).toFixed(2)],
        widths,
      ),
    );
    targets.push(
      { name: `${n(r.memberships)}: plan requests = pages of every listing + lookups`, met: planRequestsMet, detail: `${n(r.plan.requests)} made, ${n(r.plan.expectedRequests)} minimal` },
      {
        name: `${n(r.memberships)}: plan wall (reading the API and planning) ≤ ${PLAN_LATENCY_FACTOR} × latency lower bound`,
        met: planTimeMet,
        detail: `${s(r.plan.wallMs - r.plan.loadMs)} / ${s(r.plan.lowerBoundMs)} = ${readRatio.toFixed(2)}; end to end, with ${s(r.plan.loadMs)} of loading the file: ${planRatio.toFixed(2)}`,
        timing: true,
      },
      { name: `${n(r.memberships)}: apply write calls = Σ ⌈n/batch⌉ per resource and call kind`, met: applyMet, detail: `${n(r.apply.requests)} made, ${n(r.apply.expectedRequests)} minimal${r.apply.ok ? '' : ', apply failed'}` },
      { name: `${n(r.memberships)}: apply then plan again finds nothing, no ordering violation`, met: r.replanChanges === 0 && r.violations.length === 0, detail: `${r.replanChanges} changes left, ${r.violations.length} violations` },
    );
  }
  out('');
  out('Changes planned (then applied) per size; how the plan read the assignments:');
  for (const r of results) {
    const c = r.changes;
    out(`  ${n(r.memberships)}: ${n(c.add)} adds, ${n(c.remove)} removals, ${n(c.assign)} assigns, ${n(c.move)} moves, ${n(c.unassign)} unassigns; keys: ${n(c.assignKeys)} assigns, ${n(c.moveKeys)} moves, ${n(c.unassignKeys)} unassigns (${n(r.orgMembers)} org members, ${r.workspaces} workspaces, ${r.guardrails} guardrails, ${n(r.assignments)} assignments, ${n(r.keys)} keys of which ${n(r.keyAssignments)} on a guardrail)`);
    const l = r.plan.assignmentListing;
    out(`    assignments ${l.chosen}: org-wide ${l.orgWide} requests, per guardrail ${l.perGuardrail}; plan wall = load ${s(r.plan.loadMs)} + read ${s(r.plan.readMs)} + resolve/plan ${s(r.plan.resolveAndPlanMs)}; requests by dependency depth ${JSON.stringify(r.plan.requestsByDepth)}`);
    for (const line of r.plan.explain) out(`    ${line}`);
  }

  out('');
  out('Sequential baseline: every listing page by page (limit 100), one write call per change, one after the other');
  const baseWidths = [8, 10, 10, 10, 14, 16, 10];
  out(pad(['size', 'read', 'write', 'total', 'requests', 'gatesync total', 'speed-up'], baseWidths));
  for (const r of results) {
    const gatesyncMs = r.plan.wallMs + r.apply.wallMs;
    if (!r.baseline) {
      out(`${n(r.memberships).padEnd(8)}  not run (too slow): ${n(r.baselineRequests)} sequential requests, so at least ${s(r.baselineRequests * LATENCY_MS)} at ${LATENCY_MS} ms; gatesync ${s(gatesyncMs)}`);
      continue;
    }
    const b = r.baseline;
    const baselineMs = b.readMs + b.writeMs;
    const speedup = baselineMs / gatesyncMs;
    out(pad([n(r.memberships), s(b.readMs), s(b.writeMs), s(baselineMs), n(b.readRequests + b.writeRequests), s(gatesyncMs), `${speedup.toFixed(1)}×`], baseWidths));
    targets.push({ name: `${n(r.memberships)}: baseline reaches the same final state`, met: b.sameFinalState, detail: b.sameFinalState ? 'same' : 'differs' });
    if (r.memberships === BASELINE_SPEEDUP_SIZE) {
      targets.push({ name: `${n(r.memberships)}: at least ${BASELINE_SPEEDUP}× faster than the baseline`, met: speedup >= BASELINE_SPEEDUP, detail: `${speedup.toFixed(1)}×`, timing: true });
    }
  }

  out('');
  const plannerCpuMet = planner.cpuMs < PLANNER_CPU_MS;
  const plannerMemoryMet = planner.peakRssMb < PLANNER_MEMORY_MB;
  out(`Planner alone: plan() on ${n(planner.memberships)} memberships and ${n(planner.assignments)} assignments (in memory, --max-old-space-size=${PLANNER_MEMORY_MB}): ${n(planner.changes)} changes`);
  out(`  CPU ${s(planner.cpuMs)} ${mark(plannerCpuMet)} (< ${s(PLANNER_CPU_MS)}), wall ${s(planner.wallMs)}, peak RSS ${mb(planner.peakRssMb)} ${mark(plannerMemoryMet)} (< ${mb(PLANNER_MEMORY_MB)}; ${mb(planner.rssBeforeMb)} of it the states)`);
  targets.push(
    { name: `planner: ${n(planner.memberships)} memberships in < ${s(PLANNER_CPU_MS)} CPU`, met: plannerCpuMet, detail: s(planner.cpuMs), timing: true },
    { name: `planner: ${n(planner.memberships)} memberships in < ${mb(PLANNER_MEMORY_MB)}`, met: plannerMemoryMet, detail: mb(planner.peakRssMb) },
  );

  out('');
  out(`Targets: ${targets.filter((target) => target.met).length} of ${targets.length} met`);
  for (const target of targets) out(`  ${mark(target.met)} ${target.name}: ${target.detail}`);

  const file = join(packageRoot(), 'bench', 'results.json');
  const report = { date: new Date().toISOString(), node: process.version, cpus: cpus().length, latencyMs: LATENCY_MS, sizes: results, planner, targets };
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  out(`\nFigures written to ${file}`);
  if (targets.some((target) => !target.met && !target.timing)) process.exitCode = 1;
}

await main();
