/**
 * One benchmark size, end to end: generates the organization and the
 * churned desired state, writes the gatesync file, starts the simulator on
 * its own thread with 25 ms latency, and runs the built CLI as a user does —
 * `gatesync plan`, then `gatesync apply --yes`, each its own process — then
 * plans again to check nothing is left. On a fresh copy of the organization
 * it runs the sequential baseline script (its own process too) and checks
 * both left the organization in the same state.
 *
 * Besides: the process start and the loading of the file (`gatesync
 * validate` of a minimal file and of this one, offline), and on a
 * latency-free copy the requests the baseline's reads take, and for each
 * file shape (`fileShapes`) the requests of `gatesync plan` and of the
 * baseline's reads.
 *
 * `node dist/bench/run-size.js MEMBERSHIPS [--baseline] [--shapes]` prints one JSON line.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Change, Plan } from '../src/model/plan.js';
import type { SimulatorState } from '../src/simulator/index.js';
import { countByDepth, latencyLowerBound } from './lower-bound.js';
import { orgIndex, requestDepths, type OrgIndex } from './request-depth.js';
import { runProcess, type ProcessFigures, type ProcessRun } from './run-process.js';
import { churnedDesired, desiredYaml, fileShapes, orgState, SIZES, type DesiredSpec, type OrgSize } from './scenario.js';
import { runSequentialBaseline, type BaselineResult } from './sequential-baseline.js';
import { SimulatorThread } from './simulator-thread.js';

export const LATENCY_MS = 25;
/** gatesync's defaults, which the benchmark runs with. */
export const CONCURRENCY = 8;
export const BATCH_SIZE = 100;

const CLI = join(import.meta.dirname, '..', 'src', 'cli', 'main.js');
const BASELINE = join(import.meta.dirname, 'sequential-baseline.js');
const OFFLINE_RUNS = 3;
/** The smallest file `validate` accepts: validating it costs the process start, the modules and the schema, not the file. */
const TINY_FILE = 'version: 1\nworkspaces:\n  ws-001:\n    members:\n      - member1@corp.example\n';

export interface PhaseResult extends ProcessFigures {
  requests: number;
  /** Reads made to plan (every read of `plan`; those before the first write in `apply`). */
  reads: number;
  writes: number;
  /** Reads after apply's first write: reading back what it wrote. */
  readBacks: number;
  maxInFlight: number;
  /** The simulator's mean answer time in this run (`ThreadStats.answerMs`): the round trip the bound counts. */
  roundTripMs?: number;
  lowerBoundMs: number;
  requestsByDepth: number[];
}

export interface BaselineRun extends BaselineResult, ProcessFigures {
  sameFinalState: boolean;
}

export interface ShapeCounts {
  shape: string;
  gatesyncPlanRequests: number;
  baselineReadRequests: number;
}

export interface SizeResult {
  memberships: number;
  orgMembers: number;
  workspaces: number;
  guardrails: number;
  assignments: number;
  /** API keys of the organization's workspaces, and how many of them hold a guardrail (absent in reports made before keys). */
  keys?: number;
  keyAssignments?: number;
  fileLines: number;
  fileBytes: number;
  concurrency: number;
  batchSize: number;
  /** Set when gatesync refused the file or failed: the figures below are then absent. */
  error?: string;
  changes?: Plan['summary'];
  /** Wall time of `gatesync validate` on a minimal file: process start, modules, schema. */
  startMs: number;
  /** Wall time `gatesync validate` spends on this file beyond `startMs`: reading and checking it. */
  loadMs?: number;
  plan?: PhaseResult;
  apply?: PhaseResult & { minimalWrites: number };
  /** Planning again after apply found nothing to do. */
  converged?: boolean;
  violations?: string[];
  /** The baseline's reads, counted on a latency-free copy; its writes are `apply.minimalWrites`. */
  baselineReads: number;
  baseline?: BaselineRun;
  shapes?: ShapeCounts[];
}

export async function runSize(size: OrgSize, options: { baseline: boolean; shapes: boolean }): Promise<SizeResult> {
  const state = orgState(size);
  const desired = churnedDesired(state);
  const index = orgIndex(state);
  const dir = mkdtempSync(join(tmpdir(), 'gatesync-bench-'));
  const yaml = desiredYaml(desired);
  writeFileSync(join(dir, 'gatesync.yaml'), yaml);
  writeFileSync(join(dir, 'tiny.yaml'), TINY_FILE);
  writeFileSync(join(dir, 'desired.json'), JSON.stringify(desired));
  const result: SizeResult = {
    memberships: size.memberships,
    orgMembers: state.members.length,
    workspaces: state.workspaces.length,
    guardrails: state.guardrails.length,
    assignments: state.guardrails.reduce((sum, g) => sum + (g.members?.length ?? 0), 0),
    keys: state.workspaces.reduce((sum, w) => sum + (w.keys?.length ?? 0), 0),
    keyAssignments: state.workspaces.reduce((sum, w) => sum + (w.keys ?? []).filter((key) => key.guardrail_id).length, 0),
    fileLines: yaml.split('\n').length - 1,
    fileBytes: Buffer.byteLength(yaml),
    concurrency: CONCURRENCY,
    batchSize: BATCH_SIZE,
    startMs: 0,
    baselineReads: 0,
  };
  try {
    const offline = { cwd: dir, env: {} };
    result.startMs = (await fastest(() => cli(['validate', '-c', 'tiny.yaml'], offline))).wallMs;
    const validated = await fastest(() => cli(['validate', '-c', 'gatesync.yaml'], offline));
    if (validated.code !== 0) return { ...result, error: firstLine(validated.stderr) };
    result.loadMs = Math.max(0, validated.wallMs - result.startMs);

    const counted = await countReads(state, desired, dir, options.shapes);
    result.baselineReads = counted.baselineReads;
    if (counted.shapes) result.shapes = counted.shapes;

    const simulator = await SimulatorThread.start(state, LATENCY_MS);
    try {
      const env = { MODELGATES_BASE_URL: simulator.url, MODELGATES_API_KEY: simulator.apiKey };
      const planned = await phase(simulator, index, () => cli(['plan', '-c', 'gatesync.yaml', '--format', 'json'], { cwd: dir, env }));
      if (planned.run.code !== 0) return { ...result, error: firstLine(planned.run.stderr) };
      const plan = JSON.parse(planned.run.stdout) as Plan;
      result.changes = plan.summary;
      result.plan = planned.figures;

      const applied = await phase(simulator, index, () => cli(['apply', '-c', 'gatesync.yaml', '--yes'], { cwd: dir, env }));
      if (applied.run.code !== 0) return { ...result, error: `apply: ${firstLine(applied.run.stderr || applied.run.stdout)}` };
      result.apply = { ...applied.figures, minimalWrites: minimalWriteCalls(plan.changes, BATCH_SIZE) };
      result.violations = (await simulator.stats()).violations;

      const again = await cli(['plan', '-c', 'gatesync.yaml', '--detailed-exitcode'], { cwd: dir, env });
      result.converged = again.code === 0;
      if (options.baseline) result.baseline = await runBaseline(size, join(dir, 'desired.json'), await simulator.snapshot());
    } finally {
      await simulator.close();
    }
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function cli(args: string[], { cwd, env }: { cwd: string; env: Record<string, string> }): Promise<ProcessRun> {
  return runProcess(CLI, args, env, cwd);
}

/** Offline runs are short and cheap: the fastest of three keeps other load on the machine out of the split. */
async function fastest(run: () => Promise<ProcessRun>): Promise<ProcessRun> {
  let best = await run();
  for (let i = 1; i < OFFLINE_RUNS; i++) {
    const next = await run();
    if (next.wallMs < best.wallMs) best = next;
  }
  return best;
}

/** Runs one process against a freshly reset simulator and reads what it asked of it. */
async function phase(simulator: SimulatorThread, index: OrgIndex, run: () => Promise<ProcessRun>): Promise<{ run: ProcessRun; figures: PhaseResult }> {
  await simulator.reset();
  const finished = await run();
  const stats = await simulator.stats();
  const { depths, reads, writes, readBacks } = requestDepths(stats.log, index);
  const { wallMs, cpuMs, peakRssMb } = finished;
  return {
    run: finished,
    figures: {
      wallMs,
      cpuMs,
      peakRssMb,
      requests: stats.requests,
      reads,
      writes,
      readBacks,
      maxInFlight: stats.maxInFlight,
      roundTripMs: stats.answerMs,
      // No client can beat the answers it gets: the round trip is what the simulator took, at least the latency it adds.
      lowerBoundMs: latencyLowerBound(depths, CONCURRENCY, Math.max(LATENCY_MS, stats.answerMs)),
      requestsByDepth: countByDepth(depths),
    },
  };
}

/**
 * On a latency-free copy of the organization (nothing here writes): the
 * baseline's reads for the benchmark's file and, when asked, the requests of
 * `gatesync plan` and of the baseline's reads for every file shape.
 */
async function countReads(state: SimulatorState, desired: DesiredSpec, dir: string, withShapes: boolean) {
  const simulator = await SimulatorThread.start(state, 0);
  try {
    const baselineReads = async (spec: DesiredSpec) => (await runSequentialBaseline(simulator.url, simulator.apiKey, spec, { dryRun: true })).readRequests;
    if (!withShapes) return { baselineReads: await baselineReads(desired) };
    const env = { MODELGATES_BASE_URL: simulator.url, MODELGATES_API_KEY: simulator.apiKey };
    const shapes: ShapeCounts[] = [];
    for (const [i, { name, spec }] of fileShapes(state, desired).entries()) {
      const file = `shape-${i}.yaml`;
      writeFileSync(join(dir, file), desiredYaml(spec));
      await simulator.reset();
      // Counts only: the plan may be refused as unsafe (exit 3) after reading everything.
      const planned = await cli(['plan', '-c', file], { cwd: dir, env });
      if (planned.code !== 0 && planned.code !== 3) throw new Error(`plan of the "${name}" file failed: ${firstLine(planned.stderr)}`);
      const gatesyncPlanRequests = (await simulator.stats()).requests;
      shapes.push({ shape: name, gatesyncPlanRequests, baselineReadRequests: await baselineReads(spec) });
    }
    return { baselineReads: shapes[0]!.baselineReadRequests, shapes };
  } finally {
    await simulator.close();
  }
}

async function runBaseline(size: OrgSize, desiredFile: string, gatesyncFinalState: string): Promise<BaselineRun> {
  const simulator = await SimulatorThread.start(orgState(size), LATENCY_MS);
  try {
    const env = { MODELGATES_BASE_URL: simulator.url, MODELGATES_API_KEY: simulator.apiKey };
    const run = await runProcess(BASELINE, [desiredFile], env, import.meta.dirname);
    if (run.code !== 0) throw new Error(`the baseline failed: ${firstLine(run.stderr)}`);
    const counts = JSON.parse(run.stdout) as BaselineResult;
    const { wallMs, cpuMs, peakRssMb } = run;
    return { ...counts, wallMs, cpuMs, peakRssMb, sameFinalState: (await simulator.snapshot()) === gatesyncFinalState };
  } finally {
    await simulator.close();
  }
}

/**
 * The fewest bulk calls that carry a plan: one per resource, call kind and
 * batch of `batchSize` (a move is an assign on its new guardrail).
 */
export function minimalWriteCalls(changes: readonly Change[], batchSize: number): number {
  const sizes = new Map<string, number>();
  for (const change of changes) {
    const kind = change.kind === 'move' ? 'assign' : change.kind === 'move-key' ? 'assign-key' : change.kind;
    const target = 'guardrailId' in change ? change.guardrailId : change.workspaceId;
    const key = `${kind} ${target}`;
    sizes.set(key, (sizes.get(key) ?? 0) + 1);
  }
  return [...sizes.values()].reduce((sum, count) => sum + Math.ceil(count / batchSize), 0);
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const memberships = Number(process.argv[2]);
  const size = SIZES.find((s) => s.memberships === memberships);
  if (!size) throw new Error(`no benchmark size with ${process.argv[2]} memberships; sizes: ${SIZES.map((s) => s.memberships).join(', ')}`);
  console.log(JSON.stringify(await runSize(size, { baseline: process.argv.includes('--baseline'), shapes: process.argv.includes('--shapes') })));
}
