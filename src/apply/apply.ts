/**
 * The applier: turns a Plan into bulk calls.
 *
 * Per workspace, four phases run one after the other — adds, assigns (moves
 * included), unassigns, removes — so nobody is assigned before they are a
 * member, nobody moving between guardrails passes through "no guardrail",
 * and nobody is removed while still assigned. Workspaces run side by side;
 * within a phase, batches run concurrently under one limit.
 *
 * After each phase, the resources whose answers do not prove the change took
 * effect are read back (see `verify.ts`); a change the read-back contradicts
 * counts as not applied. A member whose step failed or did not take effect
 * is not taken further in that workspace (no assign after a failed add, no
 * removal after a failed unassign). Failures are values in the result;
 * independent batches go on. Once `signal` aborts, no batch starts.
 */
import pLimit, { type LimitFunction } from 'p-limit';
import type { Change, Plan } from '../model/plan.js';
import { callOf, effectOf, PHASES, RELATIONS, subjectLabelOf, type CallKind, type RelationName } from '../model/relations.js';
import type { Provider, WriteResult } from '../providers/provider.js';
import { runBatch, type BatchCall, type RefusedMember } from './run-batch.js';
import { verifyBatches, type UnappliedChange, type VerificationCost } from './verify.js';

export interface BatchResult {
  workspaceSlug: string;
  call: CallKind;
  /** Workspace or guardrail the call targets. */
  targetId: string;
  targetLabel: string;
  userIds: string[];
  /** Email of each member of the batch, by user id. */
  emails: Readonly<Record<string, string>>;
  /**
   * `ok`: every member applied; `partial`: some refused or not applied;
   * `failed`: none applied; `skipped`: an earlier step failed; `interrupted`: not started.
   */
  status: 'ok' | 'partial' | 'failed' | 'skipped' | 'interrupted';
  applied: string[];
  refused: RefusedMember[];
  /** Changes the server answered 200 to that a read-back shows did not take effect. */
  notApplied: UnappliedChange[];
  error?: string;
  /** Requests this batch cost, splits and retries of refused members included. */
  requests: number;
  /** Whether some answer fell short of proving the batch's changes, so the target must be read back. */
  unproven: boolean;
  /** Set when the key may not make this call (403). */
  forbidden?: true;
  /** Set on an assign that gives back the guardrail of members whose removal failed. */
  restore?: true;
}

export interface ApplyResult {
  batches: BatchResult[];
  ok: boolean;
  applied: number;
  refused: number;
  /** Changes answered with 200 that a read-back shows did not take effect. */
  notApplied: number;
  failed: number;
  skipped: number;
  /** Batches not started because the run was interrupted. */
  interrupted: number;
  /** Read-backs made to check the answers: none when every count adds up (unless `verify`). */
  verification: VerificationCost;
}

export interface ApplyOptions {
  concurrency: number;
  /** Ids per call; a relation with a documented maximum never gets more than that. */
  batchSize: number;
  /** Read back every resource written to, not only those whose answers do not prove the change. */
  verify?: boolean;
  /** Once aborted, no batch starts; batches in flight finish and are reported. */
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

interface Step {
  relation: RelationName;
  call: CallKind;
  targetId: string;
  targetLabel: string;
  changes: Change[];
}

/** What a workspace's batches share. */
interface WorkspaceRun {
  provider: Provider;
  options: ApplyOptions;
  limit: LimitFunction;
  progress: () => void;
  cost: VerificationCost;
  /** Set once any write in the workspace succeeds: a 403 there is then about members, not the key. */
  writeSucceeded: boolean;
}

export async function apply(plan: Plan, provider: Provider, options: ApplyOptions): Promise<ApplyResult> {
  const limit = pLimit(options.concurrency);
  const byWorkspace = new Map<string, Change[]>();
  for (const change of plan.changes) {
    const list = byWorkspace.get(change.workspaceId);
    if (list) list.push(change);
    else byWorkspace.set(change.workspaceId, [change]);
  }
  const workspacePhases = [...byWorkspace.values()].map((changes) => PHASES.map((phase) => stepsOf(changes, phase)));
  const total = workspacePhases.flat(2).reduce((sum, step) => sum + batchesOf(step, options.batchSize).length, 0);
  let done = 0;
  const progress = () => options.onProgress?.(++done, total);
  options.onProgress?.(0, total);
  const cost: VerificationCost = { resources: 0, requests: 0 };

  const results = await Promise.all(
    workspacePhases.map((phases) =>
      applyWorkspace(phases, { provider, options, limit, progress, cost, writeSucceeded: false }),
    ),
  );
  const batches = results.flat();
  const count = (status: BatchResult['status']) => batches.filter((b) => b.status === status).length;
  const sum = (of: (batch: BatchResult) => number) => batches.reduce((total, batch) => total + of(batch), 0);
  return {
    batches,
    ok: batches.every((b) => b.status === 'ok'),
    applied: sum((b) => (b.restore ? 0 : b.applied.length)),
    refused: sum((b) => b.refused.length),
    notApplied: sum((b) => b.notApplied.length),
    failed: count('failed') + count('partial'),
    skipped: count('skipped'),
    interrupted: count('interrupted'),
    verification: cost,
  };
}

async function applyWorkspace(phases: Step[][], run: WorkspaceRun): Promise<BatchResult[]> {
  const results: BatchResult[] = [];
  const blocked = new Set<string>();
  for (const steps of phases) {
    const phaseResults = await runSteps(steps, blocked, run, true);
    for (const result of phaseResults) {
      results.push(result);
      const applied = new Set(result.applied);
      for (const userId of result.userIds) if (!applied.has(userId)) blocked.add(userId);
    }
  }
  const restored = await runSteps(restoreSteps(phases, results), new Set(), run, false);
  return [...results, ...restored.map((result) => ({ ...result, restore: true as const }))];
}

/**
 * Runs the batches of one phase, then reads back what their answers leave in
 * doubt. A removal batch reported forbidden runs again once another write of
 * the workspace succeeded meanwhile: its 403 was then a refusal of members.
 */
async function runSteps(steps: Step[], blocked: Set<string>, run: WorkspaceRun, counted: boolean): Promise<BatchResult[]> {
  const jobs = steps.flatMap((step) => batchesOf(step, run.options.batchSize).map((changes) => ({ step, changes })));
  const results = await Promise.all(
    jobs.map((job) =>
      run.limit(async () => {
        const result = await runStep(job.step, job.changes, blocked, run);
        if (counted) run.progress();
        return result;
      }),
    ),
  );
  for (const [index, result] of results.entries()) {
    if (!(result.forbidden && result.call === 'remove-members' && run.writeSucceeded)) continue;
    const { step, changes } = jobs[index]!;
    const again = await run.limit(() => runStep(step, changes, blocked, run));
    results[index] = { ...again, requests: again.requests + result.requests };
  }
  await verifyBatches(results, run.provider, run.options.verify ?? false, run.cost);
  return results;
}

/**
 * A member is unassigned before leaving a workspace; when the removal then
 * fails (active API keys, SCIM) or does not take effect, they stay a member
 * and must not be left without the guardrail they had. These steps assign it
 * back. A removal not started because the run was interrupted is still due:
 * nothing is given back for it.
 */
function restoreSteps(phases: Step[][], results: BatchResult[]): Step[] {
  const stillMembers = new Set<string>();
  const unassigned = new Set<string>();
  for (const result of results) {
    const applied = new Set(result.applied);
    if (result.call === 'remove-members' && result.status !== 'interrupted') for (const userId of result.userIds) if (!applied.has(userId)) stillMembers.add(userId);
    if (result.call === 'unassign') for (const userId of applied) unassigned.add(`${result.targetId}\u0000${userId}`);
  }
  if (stillMembers.size === 0) return [];
  const unassignPhase = phases[PHASES.indexOf('unassign')] ?? [];
  return unassignPhase.flatMap((step) => {
    const changes = step.changes.filter(
      (change) =>
        change.kind === 'unassign' &&
        change.reason === 'leaves-workspace' &&
        stillMembers.has(change.userId) &&
        unassigned.has(`${step.targetId}\u0000${change.userId}`),
    );
    return changes.length ? [{ ...step, call: 'assign' as const, changes }] : [];
  });
}

async function runStep(step: Step, changes: Change[], blocked: Set<string>, run: WorkspaceRun): Promise<BatchResult> {
  const first = changes[0]!;
  const userIds = changes.map((c) => effectOf(c).subjectId);
  const emails = new Map(changes.map((c) => [effectOf(c).subjectId, subjectLabelOf(c)]));
  const base = {
    workspaceSlug: first.workspaceSlug,
    call: step.call,
    targetId: step.targetId,
    targetLabel: step.targetLabel,
    userIds,
    emails: Object.fromEntries(emails),
    applied: [],
    refused: [],
    notApplied: [],
    requests: 0,
    unproven: false,
  };
  if (run.options.signal?.aborted) return { ...base, status: 'interrupted', error: 'not started: the run was interrupted' };
  const ready = userIds.filter((userId) => !blocked.has(userId));
  if (ready.length === 0) return { ...base, status: 'skipped', error: 'an earlier step for these members failed' };
  const outcome = await runBatch(callFor(step, run), ready, emails, {
    removal: step.call === 'remove-members',
    writeSucceeded: () => run.writeSucceeded,
  });
  const skippedCount = userIds.length - ready.length;
  const status =
    outcome.applied.length === userIds.length ? 'ok' : outcome.applied.length === 0 && skippedCount === 0 ? 'failed' : 'partial';
  return {
    ...base,
    status,
    applied: outcome.applied,
    refused: outcome.refused,
    requests: outcome.requests,
    unproven: outcome.unproven,
    error: outcome.error ?? (skippedCount ? `${skippedCount} skipped: an earlier step for them failed` : undefined),
    ...(outcome.forbidden ? { forbidden: true as const } : {}),
  };
}

function callFor(step: Step, run: WorkspaceRun): BatchCall {
  const { provider } = run;
  const writes: Record<CallKind, (ids: string[]) => Promise<WriteResult>> = {
    'add-members': (userIds) => provider.addWorkspaceMembers(step.targetId, userIds),
    assign: (userIds) => provider.assignGuardrailMembers(step.targetId, userIds),
    unassign: (userIds) => provider.unassignGuardrailMembers(step.targetId, userIds),
    'remove-members': (userIds) => provider.removeWorkspaceMembers(step.targetId, userIds),
    'assign-keys': (keyHashes) => provider.assignGuardrailKeys(step.targetId, keyHashes),
    'unassign-keys': (keyHashes) => provider.unassignGuardrailKeys(step.targetId, keyHashes),
  };
  const write = writes[step.call];
  return async (userIds) => {
    const result = await write(userIds);
    run.writeSucceeded = true;
    return result;
  };
}

/** One step per call and target of this phase (the relation table says which call each change takes). */
function stepsOf(changes: Change[], phase: (typeof PHASES)[number]): Step[] {
  const steps = new Map<string, Step>();
  for (const change of changes) {
    const effect = effectOf(change);
    const { call, phase: phaseOfChange } = callOf(effect);
    if (phaseOfChange !== phase) continue;
    const key = `${call}\u0000${effect.containerId}`;
    const step = steps.get(key);
    if (step) step.changes.push(change);
    else steps.set(key, { relation: effect.relation, call, targetId: effect.containerId, targetLabel: effect.containerLabel, changes: [change] });
  }
  return [...steps.values()];
}

/** A step's changes cut into calls of at most `batchSize` ids, and never more than the relation's documented maximum. */
function batchesOf(step: Step, batchSize: number): Change[][] {
  const size = Math.min(batchSize, RELATIONS[step.relation].maxIdsPerCall ?? batchSize);
  const chunks: Change[][] = [];
  for (let i = 0; i < step.changes.length; i += size) chunks.push(step.changes.slice(i, i + size));
  return chunks;
}
