/**
 * The applier: turns a Plan into bulk calls.
 *
 * Per workspace, four phases run one after the other — adds, assigns (moves
 * included), unassigns, removes — so nobody is assigned before they are a
 * member, nobody moving between guardrails passes through "no guardrail",
 * and nobody is removed while still assigned. Workspaces run side by side;
 * within a phase, batches run concurrently under one limit.
 *
 * A member whose step failed is not taken further in that workspace (no
 * assign after a failed add, no removal after a failed unassign). Failures
 * are values in the result; independent batches go on.
 */
import pLimit, { type LimitFunction } from 'p-limit';
import type { Provider } from '../providers/provider.js';
import type { Change, Plan } from '../plan/types.js';
import { runBatch, type BatchCall, type RefusedMember } from './run-batch.js';

export const DEFAULT_BATCH_SIZE = 100;

export type CallKind = 'add-members' | 'assign' | 'unassign' | 'remove-members';

export interface BatchResult {
  workspaceSlug: string;
  call: CallKind;
  /** Workspace or guardrail the call targets. */
  targetId: string;
  targetLabel: string;
  userIds: string[];
  /** `ok`: every member applied; `partial`: some refused; `failed`: none applied; `skipped`: an earlier step failed. */
  status: 'ok' | 'partial' | 'failed' | 'skipped';
  applied: string[];
  refused: RefusedMember[];
  error?: string;
  /** Requests this batch cost, splits and retries of refused members included. */
  requests: number;
  /** Set on an assign that gives back the guardrail of members whose removal failed. */
  restore?: true;
}

export interface ApplyResult {
  batches: BatchResult[];
  ok: boolean;
  applied: number;
  refused: number;
  failed: number;
  skipped: number;
}

export interface ApplyOptions {
  concurrency: number;
  batchSize: number;
  onProgress?: (done: number, total: number) => void;
}

interface Step {
  call: CallKind;
  targetId: string;
  targetLabel: string;
  changes: Change[];
}

const PHASES: ReadonlyArray<{ call: CallKind; kinds: ReadonlyArray<Change['kind']> }> = [
  { call: 'add-members', kinds: ['add-member'] },
  { call: 'assign', kinds: ['assign', 'move'] },
  { call: 'unassign', kinds: ['unassign'] },
  { call: 'remove-members', kinds: ['remove-member'] },
];

export async function apply(plan: Plan, provider: Provider, options: ApplyOptions): Promise<ApplyResult> {
  const limit = pLimit(options.concurrency);
  const byWorkspace = new Map<string, Change[]>();
  for (const change of plan.changes) {
    const list = byWorkspace.get(change.workspaceId);
    if (list) list.push(change);
    else byWorkspace.set(change.workspaceId, [change]);
  }
  const workspacePhases = [...byWorkspace.values()].map((changes) => PHASES.map((phase) => stepsOf(changes, phase)));
  const total = workspacePhases.flat(2).reduce((sum, step) => sum + Math.ceil(step.changes.length / options.batchSize), 0);
  let done = 0;
  const progress = () => options.onProgress?.(++done, total);
  options.onProgress?.(0, total);

  const results = await Promise.all(
    workspacePhases.map((phases) => applyWorkspace(phases, provider, options.batchSize, limit, progress)),
  );
  const batches = results.flat();
  const count = (status: BatchResult['status']) => batches.filter((b) => b.status === status).length;
  return {
    batches,
    ok: batches.every((b) => b.status === 'ok'),
    applied: batches.reduce((sum, b) => sum + (b.restore ? 0 : b.applied.length), 0),
    refused: batches.reduce((sum, b) => sum + b.refused.length, 0),
    failed: count('failed') + count('partial'),
    skipped: count('skipped'),
  };
}

async function applyWorkspace(
  phases: Step[][],
  provider: Provider,
  batchSize: number,
  limit: LimitFunction,
  progress: () => void,
): Promise<BatchResult[]> {
  const results: BatchResult[] = [];
  const blocked = new Set<string>();
  for (const steps of phases) {
    const phaseResults = await Promise.all(
      steps.flatMap((step) =>
        chunk(step.changes, batchSize).map((changes) =>
          limit(async () => {
            const result = await runStep(step, changes, blocked, provider);
            progress();
            return result;
          }),
        ),
      ),
    );
    for (const result of phaseResults) {
      results.push(result);
      const applied = new Set(result.applied);
      for (const userId of result.userIds) if (!applied.has(userId)) blocked.add(userId);
    }
  }
  const restores = restoreSteps(phases, results);
  const restored = await Promise.all(
    restores.flatMap((step) =>
      chunk(step.changes, batchSize).map((changes) => limit(() => runStep(step, changes, new Set(), provider))),
    ),
  );
  return [...results, ...restored.map((result) => ({ ...result, restore: true as const }))];
}

/**
 * A member is unassigned before leaving a workspace; when the removal then
 * fails (active API keys, SCIM), they stay a member and must not be left
 * without the guardrail they had. These steps assign it back.
 */
function restoreSteps(phases: Step[][], results: BatchResult[]): Step[] {
  const stillMembers = new Set<string>();
  const unassigned = new Set<string>();
  for (const result of results) {
    const applied = new Set(result.applied);
    if (result.call === 'remove-members') for (const userId of result.userIds) if (!applied.has(userId)) stillMembers.add(userId);
    if (result.call === 'unassign') for (const userId of applied) unassigned.add(`${result.targetId}\u0000${userId}`);
  }
  if (stillMembers.size === 0) return [];
  const unassignPhase = phases[PHASES.findIndex((phase) => phase.call === 'unassign')] ?? [];
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

async function runStep(step: Step, changes: Change[], blocked: Set<string>, provider: Provider): Promise<BatchResult> {
  const first = changes[0]!;
  const userIds = changes.map((c) => c.userId);
  const emails = new Map(changes.map((c) => [c.userId, c.email]));
  const base = { workspaceSlug: first.workspaceSlug, call: step.call, targetId: step.targetId, targetLabel: step.targetLabel, userIds };
  const ready = userIds.filter((userId) => !blocked.has(userId));
  if (ready.length === 0) {
    return { ...base, status: 'skipped', applied: [], refused: [], requests: 0, error: 'an earlier step for these members failed' };
  }
  const outcome = await runBatch(callFor(step, provider), ready, emails);
  const skippedCount = userIds.length - ready.length;
  const status =
    outcome.applied.length === userIds.length ? 'ok' : outcome.applied.length === 0 && skippedCount === 0 ? 'failed' : 'partial';
  return {
    ...base,
    status,
    applied: outcome.applied,
    refused: outcome.refused,
    requests: outcome.requests,
    error: outcome.error ?? (skippedCount ? `${skippedCount} skipped: an earlier step for them failed` : undefined),
  };
}

function callFor(step: Step, provider: Provider): BatchCall {
  switch (step.call) {
    case 'add-members':
      return (userIds) => provider.addWorkspaceMembers(step.targetId, userIds);
    case 'assign':
      return (userIds) => provider.assignGuardrailMembers(step.targetId, userIds);
    case 'unassign':
      return (userIds) => provider.unassignGuardrailMembers(step.targetId, userIds);
    case 'remove-members':
      return (userIds) => provider.removeWorkspaceMembers(step.targetId, userIds);
  }
}

/** One step per target of this phase: the workspace for membership calls, each guardrail for assignment calls. */
function stepsOf(changes: Change[], phase: (typeof PHASES)[number]): Step[] {
  const steps = new Map<string, Step>();
  for (const change of changes) {
    if (!phase.kinds.includes(change.kind)) continue;
    const [targetId, targetLabel] =
      'guardrailId' in change
        ? [change.guardrailId, `guardrail ${change.guardrailName}`]
        : [change.workspaceId, `workspace ${change.workspaceSlug}`];
    const step = steps.get(targetId);
    if (step) step.changes.push(change);
    else steps.set(targetId, { call: phase.call, targetId, targetLabel, changes: [change] });
  }
  return [...steps.values()];
}

function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
