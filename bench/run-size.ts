/**
 * One benchmark size, in its own process (so that its peak RSS is its own):
 * starts the simulator in-process, on its own thread, with 25 ms latency;
 * writes the churned desired state as a gatesync file; runs the real
 * engine on it — `readConfig`, an `HttpProvider`, `planOrganization`
 * (observe, resolve, plan), `assertSafe`, then `apply` — and
 * plans again to check nothing is left. Then, on a fresh copy of the
 * organization, the sequential baseline, and checks both runs left the
 * organization in the same state.
 *
 * `node dist/bench/run-size.js MEMBERSHIPS [--baseline]` prints one JSON line.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { apply } from '../src/apply/apply.js';
import { readConfig } from '../src/config/read-config.js';
import { planOrganization } from '../src/engine/plan-organization.js';
import type { Config } from '../src/model/config.js';
import { callOf, DEFAULT_BATCH_SIZE, effectOf, PHASES } from '../src/model/relations.js';
import { DEFAULT_CONCURRENCY, DEFAULT_MAX_RETRIES } from '../src/providers/request-defaults.js';
import { assertSafe } from '../src/plan/safety.js';
import type { Plan } from '../src/model/plan.js';
import type { RequestEvent } from '../src/providers/api-client.js';
import { HttpProvider } from '../src/providers/http-provider.js';
import { PAGE_SIZE, pageCount } from '../src/providers/paginate.js';
import type { SimulatorState } from '../src/simulator/index.js';
import { latencyLowerBound, measure, stagedTime, countByDepth, type PhaseFigures } from './measure.js';
import { churnedDesired, desiredYaml, orgState, SIZES, type DesiredSpec } from './scenario.js';
import { runSequentialBaseline, type BaselineResult } from './sequential-baseline.js';
import { SimulatorThread } from './simulator-thread.js';

export const LATENCY_MS = 25;

export interface PhaseResult extends PhaseFigures {
  /** The part of `cpuMs` the simulator's thread was busy. */
  simulatorCpuMs: number;
  requests: number;
  /** What the target allows: the minimal number of requests (plan) or write calls (apply). */
  expectedRequests: number;
  maxInFlight: number;
  lowerBoundMs: number;
  /** The same requests with a barrier between dependency levels, for reference. */
  stagedMs: number;
  requestsByDepth: number[];
}

export interface SizeResult {
  memberships: number;
  orgMembers: number;
  workspaces: number;
  guardrails: number;
  assignments: number;
  /** API keys of the organization, and how many of them hold a guardrail. */
  keys: number;
  keyAssignments: number;
  concurrency: number;
  batchSize: number;
  changes: Plan['summary'];
  plan: PhaseResult & {
    /** `[plan]` lines of `--verbose`: why the assignments were read the way they were. */
    explain: string[];
    /** Requests each way of reading assignments costs on this organization. */
    assignmentListing: { chosen: 'org-wide' | 'per-guardrail'; orgWide: number; perGuardrail: number };
    /** The plan's wall time: loading the file, reading (first request queued to last answer), resolving and planning (after the last answer). */
    loadMs: number;
    readMs: number;
    resolveAndPlanMs: number;
  };
  apply: PhaseResult & { ok: boolean };
  /** Changes left by planning again after apply (0 when apply did everything). */
  replanChanges: number;
  violations: string[];
  baseline?: BaselineResult & { sameFinalState: boolean };
  /** Sequential requests the baseline would make: its time is at least this × latency. */
  baselineRequests: number;
}

export async function runSize(memberships: number, withBaseline: boolean): Promise<SizeResult> {
  const size = SIZES.find((s) => s.memberships === memberships);
  if (!size) throw new Error(`no benchmark size with ${memberships} memberships`);
  const state = orgState(size);
  const desired = churnedDesired(state);
  const dir = mkdtempSync(join(tmpdir(), 'gatesync-bench-'));
  const file = join(dir, 'gatesync.yaml');
  writeFileSync(file, desiredYaml(desired));

  const simulator = await SimulatorThread.start(state, LATENCY_MS);
  const explain: string[] = [];
  const planArgs = { concurrency: DEFAULT_CONCURRENCY, maxRetries: DEFAULT_MAX_RETRIES };
  const applyArgs = { concurrency: DEFAULT_CONCURRENCY, batchSize: DEFAULT_BATCH_SIZE };
  let paths: string[] = [];
  let firstRequestAt = Infinity;
  let lastAnswerAt = 0;
  const provider = new HttpProvider({
    baseUrl: simulator.url,
    apiKey: simulator.apiKey,
    concurrency: planArgs.concurrency,
    maxRetries: planArgs.maxRetries,
    onRequest: (event: RequestEvent) => {
      paths.push(event.path);
      const now = performance.now();
      firstRequestAt = Math.min(firstRequestAt, now - event.durationMs);
      lastAnswerAt = Math.max(lastAnswerAt, now);
    },
  });

  try {
    await simulator.reset();
    let loadMs = 0;
    let resolveAndPlanMs = 0;
    const planned = await measure(async () => {
      const loadStarted = performance.now();
      const config = await loadBenchConfig(file);
      loadMs = performance.now() - loadStarted;
      const plan = await planOf(config, provider, (message) => explain.push(`[plan] ${message}`));
      assertSafe(plan, config.safety);
      resolveAndPlanMs = performance.now() - lastAnswerAt;
      return plan;
    });
    const plan = planned.value;
    const planStats = await simulator.stats();
    const planDepths = paths.map(observeDepth);
    const listing = assignmentListingCosts(state);
    const planPhase = {
      ...planned.figures,
      simulatorCpuMs: planStats.busyMs,
      requests: planStats.requests,
      expectedRequests: minimalPlanRequests(state, listing, plan.summary.remove > 0),
      maxInFlight: planStats.maxInFlight,
      lowerBoundMs: latencyLowerBound(planDepths, planArgs.concurrency, LATENCY_MS),
      stagedMs: stagedTime(planDepths, planArgs.concurrency, LATENCY_MS),
      requestsByDepth: countByDepth(planDepths),
      explain,
      assignmentListing: listing,
      loadMs,
      readMs: lastAnswerAt - firstRequestAt,
      resolveAndPlanMs,
    };

    await simulator.reset();
    paths = [];
    const applied = await measure(() => apply(plan, provider, applyArgs));
    const applyStats = await simulator.stats();
    const applyDepths = applyDepthsOf(plan, applyArgs.batchSize);
    const applyPhase = {
      ...applied.figures,
      simulatorCpuMs: applyStats.busyMs,
      requests: applyStats.writes,
      expectedRequests: applyDepths.length,
      maxInFlight: applyStats.maxInFlight,
      lowerBoundMs: latencyLowerBound(applyDepths, applyArgs.concurrency, LATENCY_MS),
      stagedMs: stagedTime(applyDepths, applyArgs.concurrency, LATENCY_MS),
      requestsByDepth: countByDepth(applyDepths),
      ok: applied.value.ok,
    };

    const replan = { plan: await planOf(await loadBenchConfig(file), provider) };
    const finalState = await simulator.snapshot();
    const baseline = withBaseline ? await runBaseline(size, desired, finalState) : undefined;

    return {
      memberships,
      orgMembers: state.members.length,
      workspaces: state.workspaces.length,
      guardrails: state.guardrails.length,
      assignments: state.guardrails.reduce((sum, g) => sum + (g.members?.length ?? 0), 0),
      keys: state.workspaces.reduce((sum, w) => sum + (w.keys?.length ?? 0), 0),
      keyAssignments: state.workspaces.reduce((sum, w) => sum + (w.keys ?? []).filter((key) => key.guardrail_id).length, 0),
      concurrency: planArgs.concurrency,
      batchSize: applyArgs.batchSize,
      changes: plan.summary,
      plan: planPhase,
      apply: applyPhase,
      replanChanges: replan.plan.summary.total,
      violations: applyStats.violations,
      baseline,
      baselineRequests: baselineReads(state) + plan.summary.total,
    };
  } finally {
    await provider.close();
    await simulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runBaseline(size: (typeof SIZES)[number], desired: DesiredSpec, gatesyncFinalState: string) {
  const simulator = await SimulatorThread.start(orgState(size), LATENCY_MS);
  try {
    const result = await runSequentialBaseline(simulator.url, simulator.apiKey, desired);
    return { ...result, sameFinalState: (await simulator.snapshot()) === gatesyncFinalState };
  } finally {
    await simulator.close();
  }
}

/**
 * The dependency depth of each request `observe` makes: 1 needs nothing
 * (first pages of the org members, of the org-wide assignments and of the
 * workspace listing, the workspace lookups); 2 needs one answer (other
 * org-member and workspace pages, first pages of workspace members and
 * guardrails, the first page of keys); 3 needs two (other pages of those,
 * the rest of the org-wide assignments or each guardrail's first page of
 * member or key assignments); 4 the other pages of each guardrail's
 * assignments. Pages of keys come one after another.
 */
function observeDepth(path: string): number {
  const [route = '', query = ''] = path.split('?');
  const first = new URLSearchParams(query).get('offset') === '0';
  if (route === '/organization/members') return first ? 1 : 2;
  if (route === '/guardrails/assignments/members') return first ? 1 : 3;
  if (/^\/workspaces\/[^/]+$/.test(route)) return 1;
  if (route === '/workspaces') return first ? 1 : 2;
  if (/^\/workspaces\/[^/]+\/members$/.test(route) || route === '/guardrails') return first ? 2 : 3;
  if (/^\/guardrails\/[^/]+\/assignments\/members$/.test(route)) return first ? 3 : 4;
  // Pages of keys follow one another: each needs the one before it, the first the workspace lookup.
  if (route === '/keys') return 2 + Number(new URLSearchParams(query).get('offset') ?? 0) / PAGE_SIZE;
  // Key assignments: the org-wide first page once the guardrails are known; per guardrail only after it, when it costs more.
  if (route === '/guardrails/assignments/keys') return first ? 3 : 4;
  if (/^\/guardrails\/[^/]+\/assignments\/keys$/.test(route)) return first ? 4 : 5;
  return 5;
}

/** What reading the assignments costs each way here, and which way `observe`'s rule picks (see `readAssignments`). */
function assignmentListingCosts(state: SimulatorState): SizeResult['plan']['assignmentListing'] {
  const perGuardrail = state.guardrails.reduce((sum, g) => sum + pageCount(g.members?.length ?? 0), 0);
  const orgWide = pageCount(state.guardrails.reduce((sum, g) => sum + (g.members?.length ?? 0), 0));
  return orgWide <= state.guardrails.length
    ? { chosen: 'org-wide', orgWide, perGuardrail }
    : { chosen: 'per-guardrail', orgWide, perGuardrail };
}

/**
 * The fewest requests the plan can make with the file managing every
 * workspace: every page of every listing made, once — the org members, the
 * workspaces (the listing when it costs no more than one lookup per
 * workspace, else the lookups and the listing's first page read to
 * decide), each workspace's members (the first page alone for the default
 * one, which holds everyone) and guardrails, the assignments the cheaper
 * way (plus the one org-wide first page read to choose, when it was not the
 * cheaper way), the keys, and the one page of SCIM mappings a plan with
 * removals reads.
 */
function minimalPlanRequests(state: SimulatorState, listing: SizeResult['plan']['assignmentListing'], removals: boolean): number {
  const lookups = state.workspaces.length;
  const listingPages = pageCount(state.workspaces.length);
  let requests = pageCount(state.members.length) + (lookups < 2 ? lookups : listingPages <= lookups ? listingPages : lookups + 1);
  requests += keyReads(state) + (removals ? 1 : 0);
  for (const workspace of state.workspaces) {
    requests += workspace.slug === 'default' ? 1 : pageCount(workspace.members?.length ?? 0);
    requests += pageCount(state.guardrails.filter((g) => g.workspace_id === workspace.id).length);
  }
  return requests + (listing.chosen === 'org-wide' ? listing.orgWide : listing.perGuardrail + 1);
}

/**
 * Reading the keys of the workspaces that have some (the file lists keys
 * there): `GET /keys` until a short page, so one page more than full pages,
 * and the key assignments the cheaper way (see `readKeyAssignments`): the
 * org-wide listing when it costs no more than one listing per guardrail of
 * those workspaces, else those listings and the org-wide first page.
 */
function keyReads(state: SimulatorState): number {
  const { keyPages, guardrails, perGuardrail, orgWide } = keyListingCosts(state);
  if (guardrails < 2) return keyPages + perGuardrail;
  return keyPages + (orgWide <= guardrails ? orgWide : perGuardrail + 1);
}

/** Pages of `GET /keys`, and what the key assignments cost per guardrail (over how many guardrails) and org-wide. */
function keyListingCosts(state: SimulatorState): { keyPages: number; guardrails: number; perGuardrail: number; orgWide: number } {
  let keyPages = 0;
  let guardrails = 0;
  let perGuardrail = 0;
  for (const workspace of state.workspaces) {
    const keys = workspace.keys ?? [];
    if (keys.length === 0) continue;
    keyPages += Math.floor(keys.length / PAGE_SIZE) + 1;
    for (const guardrail of state.guardrails.filter((g) => g.workspace_id === workspace.id)) {
      guardrails++;
      perGuardrail += pageCount(keys.filter((key) => key.guardrail_id === guardrail.id).length);
    }
  }
  const orgWide = pageCount(state.workspaces.reduce((sum, w) => sum + (w.keys ?? []).filter((key) => key.guardrail_id).length, 0));
  return { keyPages, guardrails, perGuardrail, orgWide };
}

/** The baseline's reads: the same listings as gatesync's per-guardrail path, page by page, and a lookup per workspace. */
function baselineReads(state: SimulatorState): number {
  const keys = keyListingCosts(state);
  let requests = pageCount(state.members.length) + state.workspaces.length + keys.keyPages + keys.perGuardrail;
  for (const workspace of state.workspaces) {
    if (workspace.slug !== 'default') requests += pageCount(workspace.members?.length ?? 0);
    const guardrails = state.guardrails.filter((g) => g.workspace_id === workspace.id);
    requests += pageCount(guardrails.length);
    for (const guardrail of guardrails) requests += pageCount(guardrail.members?.length ?? 0);
  }
  return requests;
}

/**
 * One entry per bulk call the plan needs at the fewest — one per resource,
 * call kind and batch of `batchSize` — holding its dependency depth: the
 * rank of its phase among the non-empty phases of its workspace (adds,
 * assigns and moves, unassigns, removals run one after the other there).
 */
function applyDepthsOf(plan: Plan, batchSize: number): number[] {
  const calls = new Map<string, { workspaceId: string; phase: number; members: number }>();
  for (const change of plan.changes) {
    const effect = effectOf(change);
    const { call: callKind, phase: phaseName } = callOf(effect);
    const phase = PHASES.indexOf(phaseName);
    const key = `${callKind}\u0000${effect.containerId}`;
    const call = calls.get(key);
    if (call) call.members++;
    else calls.set(key, { workspaceId: change.workspaceId, phase, members: 1 });
  }
  const phasesByWorkspace = new Map<string, Set<number>>();
  for (const call of calls.values()) {
    const phases = phasesByWorkspace.get(call.workspaceId) ?? new Set<number>();
    phases.add(call.phase);
    phasesByWorkspace.set(call.workspaceId, phases);
  }
  const depths: number[] = [];
  for (const call of calls.values()) {
    const ranked = [...phasesByWorkspace.get(call.workspaceId)!].sort((a, b) => a - b);
    const depth = ranked.indexOf(call.phase) + 1;
    for (let i = 0; i < Math.ceil(call.members / batchSize); i++) depths.push(depth);
  }
  return depths;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const memberships = Number(process.argv[2]);
  const result = await runSize(memberships, process.argv.includes('--baseline'));
  console.log(JSON.stringify(result));
}

async function loadBenchConfig(file: string): Promise<Config> {
  const { config, errors } = await readConfig(file);
  if (!config) throw new Error(`benchmark file ${file}: ${errors.map((e) => e.message).join('; ')}`);
  return config;
}

async function planOf(config: Config, provider: HttpProvider, explain?: (message: string) => void): Promise<Plan> {
  const outcome = await planOrganization(config, provider, { explain });
  if (!outcome.plan) throw new Error(`benchmark plan: ${outcome.errors.map((e) => e.message).join('; ')}`);
  return outcome.plan;
}
