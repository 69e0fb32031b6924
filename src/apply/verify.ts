/**
 * Read-back after a phase. Bulk writes are idempotent and every call asks
 * only for changes the fresh plan needs, so a count equal to the ids sent
 * proves them all; a count short of that, a missing count or a retried write
 * (an earlier attempt may have taken effect unseen) proves nothing. Those
 * targets — or every target written to, when asked — are listed again and
 * compared with what the phase's batches expected of each member.
 */
import { effectOfCall, unhandled, type RelationName } from '../model/relations.js';
import { pageCount } from '../providers/paginate.js';
import type { Provider } from '../providers/provider.js';
import type { BatchResult } from './apply.js';

export interface UnappliedChange {
  userId: string;
  email: string;
  /** The state the change should have left, e.g. "no longer a member of workspace research". */
  expected: string;
}

export interface VerificationCost {
  /** Workspaces and guardrails read back. */
  resources: number;
  /** Listing requests those read-backs made. */
  requests: number;
}

/**
 * Reads back the targets of `results` that need it and moves each applied
 * member the read-back contradicts from `applied` to `notApplied`. Adds to `cost`.
 */
export async function verifyBatches(results: BatchResult[], provider: Provider, everyTarget: boolean, cost: VerificationCost): Promise<void> {
  const byTarget = new Map<string, BatchResult[]>();
  for (const result of results) {
    if (result.applied.length === 0) continue;
    const list = byTarget.get(result.targetId) ?? [];
    list.push(result);
    byTarget.set(result.targetId, list);
  }
  const targets = [...byTarget.values()].filter((batches) => everyTarget || batches.some((batch) => batch.unproven));
  await Promise.all(targets.map((batches) => verifyTarget(batches, provider, cost)));
}

async function verifyTarget(batches: BatchResult[], provider: Provider, cost: VerificationCost): Promise<void> {
  const { call, targetId, targetLabel } = batches[0]!;
  const { relation, direction } = effectOfCall(call);
  let present: Set<string>;
  try {
    const userIds = await readBack(relation, targetId, provider);
    present = new Set(userIds);
    cost.resources++;
    cost.requests += pageCount(userIds.length);
  } catch (error) {
    for (const batch of batches) {
      batch.error = `applied, but reading ${targetLabel} back to check it failed: ${(error as Error).message}`;
      if (batch.status === 'ok') batch.status = 'partial';
    }
    return;
  }
  const wantsPresent = direction === 'add';
  const expected = expectedState(relation, wantsPresent, targetLabel);
  for (const batch of batches) {
    const missed = batch.applied.filter((userId) => present.has(userId) !== wantsPresent);
    if (missed.length === 0) continue;
    batch.applied = batch.applied.filter((userId) => !missed.includes(userId));
    batch.notApplied.push(...missed.map((userId) => ({ userId, email: batch.emails[userId] ?? '', expected })));
    batch.status = batch.applied.length === 0 && batch.refused.length === 0 ? 'failed' : 'partial';
  }
}

/** The subjects a container holds now, by the relation's own listing. */
function readBack(relation: RelationName, containerId: string, provider: Provider): Promise<string[]> {
  switch (relation) {
    case 'workspace-members':
      return provider.listWorkspaceMembers(containerId);
    case 'guardrail-members':
      return provider.listGuardrailMembers(containerId);
    case 'guardrail-keys':
      return provider.listKeyAssignments(containerId).then((rows) => rows.map((row) => row.keyHash));
    default:
      return unhandled(relation);
  }
}

/** The state a change should have left, e.g. "no longer a member of workspace research". */
function expectedState(relation: RelationName, present: boolean, targetLabel: string): string {
  switch (relation) {
    case 'workspace-members':
      return present ? `a member of ${targetLabel}` : `no longer a member of ${targetLabel}`;
    case 'guardrail-members':
    case 'guardrail-keys':
      return present ? `assigned to ${targetLabel}` : `unassigned from ${targetLabel}`;
    default:
      return unhandled(relation);
  }
}
