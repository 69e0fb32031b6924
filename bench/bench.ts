/**
 * `npm run bench`: gatesync's `plan` and `apply`, each run as its own
 * process against the simulator at 25 ms latency, on organizations of
 * 1,000 to 200,000 memberships; the sequential baseline script beside them;
 * requests by file shape; the planner alone on 1,000,000 memberships.
 * Prints the figures block of docs/benchmark.md (`readme-figures.ts`) and writes every
 * figure to bench/results.json. Exits 1 when a count or state target is
 * missed (timing targets are reported, not enforced).
 *
 * Options: `--sizes 1000,10000` (default: all), `--baseline-max N` (the
 * largest size the baseline script runs on; default 50000: beyond, its
 * sequential requests take minutes), `--shapes N,…` (sizes whose file shapes
 * are compared; default 10000).
 */
import { execFile } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { PlannerMicroResult } from './planner-micro.js';
import { renderFigures } from './readme-figures.js';
import { LATENCY_MS, runSize, type SizeResult } from './run-size.js';
import { SIZES } from './scenario.js';
import { n, PLANNER_MEMORY_MB, targetsOf, type BenchReport } from './targets.js';

const run = promisify(execFile);
const PLANNER_MEMBERSHIPS = 1_000_000;
const DEFAULT_BASELINE_MAX = 50_000;
const DEFAULT_SHAPE_SIZES = [10_000];

function option(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const numbers = (text: string | undefined) => text?.split(',').map(Number);

async function main(): Promise<void> {
  const wanted = numbers(option('--sizes')) ?? SIZES.map((size) => size.memberships);
  const baselineMax = Number(option('--baseline-max') ?? DEFAULT_BASELINE_MAX);
  const shapeSizes = numbers(option('--shapes')) ?? DEFAULT_SHAPE_SIZES;
  const progress = (text: string) => process.stderr.write(`[bench] ${text}\n`);
  const loadAtStart = loadavg()[0]!;

  const sizes: SizeResult[] = [];
  for (const size of SIZES.filter((s) => wanted.includes(s.memberships))) {
    const baseline = size.memberships <= baselineMax;
    const shapes = shapeSizes.includes(size.memberships);
    progress(`${n(size.memberships)} memberships${baseline ? ', with the baseline script' : ''}${shapes ? ', with the file shapes' : ''}…`);
    const result = await runSize(size, { baseline, shapes });
    if (result.error !== undefined) progress(`${n(size.memberships)}: ${result.error}`);
    sizes.push(result);
  }
  progress(`the planner on ${n(PLANNER_MEMBERSHIPS)} memberships…`);
  const { stdout } = await run(process.execPath, [`--max-old-space-size=${PLANNER_MEMORY_MB}`, join(import.meta.dirname, 'planner-micro.js'), String(PLANNER_MEMBERSHIPS)]);
  const planner = JSON.parse(stdout.trim().split('\n').pop() ?? '') as PlannerMicroResult;

  const report: BenchReport = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    loadAverage: { start: loadAtStart, end: loadavg()[0]! },
    latencyMs: LATENCY_MS,
    sizes,
    planner,
  };
  process.stdout.write(renderFigures(report));
  const file = join(import.meta.dirname, '..', '..', 'bench', 'results.json');
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  process.stdout.write(`\nFigures written to ${file}; \`node dist/bench/readme-figures.js --write\` puts them in docs/benchmark.md.\n`);
  if (targetsOf(report).some((target) => !target.met && !target.timing)) process.exitCode = 1;
}

await main();
