/**
 * The planner: `(desired, observed) → Plan`. Synchronous and pure — no I/O,
 * no clock, no randomness — and linear in the size of the managed state.
 */
import { createHash } from 'node:crypto';
import type { Observed, ObservedWorkspace } from '../model/observed.js';
import type { DesiredWorkspace, Desired } from '../model/desired.js';
import { compareText } from '../model/compare-text.js';
import { sortChanges, sortKept } from './order-changes.js';
import type { Change, Kept, Plan, PlannedResource, PlanSummary } from '../model/plan.js';

export function plan(desired: Desired, observed: Observed): Plan {
  const observedById = observedWorkspaces(observed);

  const emailOf = (userId: string) => observed.orgMembers.get(userId)?.email ?? '';
  const changes: Change[] = [];
  const kept: Kept[] = [];
  const resources: PlannedResource[] = [];
  for (const workspace of desired.workspaces) {
    const live = observedById.get(workspace.info.id);
    if (!live) throw new Error(`internal: workspace ${workspace.info.slug} was resolved but not observed`);
    planWorkspace(workspace, live, emailOf, changes, kept);
    planKeys(workspace, live, changes, kept);
    resources.push(...resourcesOf(workspace, live));
  }
  return { changes: sortChanges(changes), kept: sortKept(kept), resources, summary: summarize(changes), warnings: [...(observed.warnings ?? [])] };
}

/** Why a member of a workspace whose membership the file manages, but whom it does not list, stays; `undefined`: they are removed. */
function keptBecause(workspace: DesiredWorkspace, userId: string): Kept['reason'] | undefined {
  if (workspace.protected.has(userId)) return 'protected';
  if (!workspace.prune) return 'not-in-file';
  return undefined;
}

/**
 * Whether planning `desired` removes anyone from a workspace, known without
 * planning: what only removals need (the SCIM group mappings) can then be
 * read while the plan is made.
 */
export function removesMembers(desired: Desired, observed: Observed): boolean {
  const observedById = observedWorkspaces(observed);
  return desired.workspaces.some((workspace) => {
    const members = workspace.members;
    if (!members) return false;
    for (const userId of observedById.get(workspace.info.id)?.members ?? []) {
      if (!members.has(userId) && keptBecause(workspace, userId) === undefined) return true;
    }
    return false;
  });
}

function observedWorkspaces(observed: Observed): Map<string, ObservedWorkspace> {
  const byId = new Map<string, ObservedWorkspace>();
  for (const workspace of observed.workspacesByKey.values()) if (workspace) byId.set(workspace.info.id, workspace);
  return byId;
}

function planWorkspace(
  workspace: DesiredWorkspace,
  live: ObservedWorkspace,
  emailOf: (userId: string) => string,
  changes: Change[],
  kept: Kept[],
): void {
  const base = (userId: string) => ({ workspaceId: workspace.info.id, workspaceSlug: workspace.info.slug, userId, email: emailOf(userId) });
  const guardrailLabel = (guardrailId: string) => ({ guardrailId, guardrailName: live.guardrails.get(guardrailId)?.info.name ?? guardrailId });

  /** The direct guardrails each member holds in this workspace (normally at most one). */
  const heldBy = new Map<string, string[]>();
  for (const [guardrailId, guardrail] of live.guardrails) {
    for (const userId of guardrail.members) {
      const held = heldBy.get(userId);
      if (held) held.push(guardrailId);
      else heldBy.set(userId, [guardrailId]);
    }
  }
  const wantedGuardrail = new Map<string, string>();
  for (const [guardrailId, guardrail] of workspace.guardrails) {
    for (const userId of guardrail.members?.keys() ?? []) wantedGuardrail.set(userId, guardrailId);
  }

  const leaving = new Set<string>();
  if (workspace.members) {
    for (const [userId, { via }] of workspace.members) {
      if (!live.members.has(userId)) changes.push({ kind: 'add-member', ...base(userId), ...(via && { via }) });
    }
    for (const userId of live.members) {
      if (workspace.members.has(userId)) continue;
      const reason = keptBecause(workspace, userId);
      if (reason) kept.push({ reason, ...base(userId) });
      else leaving.add(userId);
    }
  }
  for (const userId of leaving) {
    // The API's handling of a removed member's assignment is undocumented: unassign explicitly first.
    for (const guardrailId of heldBy.get(userId) ?? []) {
      changes.push({ kind: 'unassign', ...base(userId), ...guardrailLabel(guardrailId), reason: 'leaves-workspace' });
    }
    changes.push({ kind: 'remove-member', ...base(userId) });
  }

  // A guardrail named for its keys only assigns and unassigns no member: its members move only when listed under another guardrail, or leave the workspace.
  for (const [guardrailId, guardrail] of workspace.guardrails) {
    const wanted = guardrail.members;
    if (!wanted) continue;
    for (const [userId, { via }] of wanted) {
      const held = heldBy.get(userId) ?? [];
      if (held.includes(guardrailId)) continue;
      const from = held[0];
      changes.push(
        from === undefined
          ? { kind: 'assign', ...base(userId), ...guardrailLabel(guardrailId), ...(via && { via }) }
          : {
              kind: 'move',
              ...base(userId),
              ...guardrailLabel(guardrailId),
              fromGuardrailId: from,
              fromGuardrailName: guardrailLabel(from).guardrailName,
              ...(via && { via }),
            },
      );
    }
    for (const userId of live.guardrails.get(guardrailId)?.members ?? []) {
      if (wanted.has(userId) || leaving.has(userId) || wantedGuardrail.has(userId)) continue;
      if (workspace.protected.has(userId)) kept.push({ reason: 'protected', ...base(userId), ...guardrailLabel(guardrailId) });
      else if (!guardrail.prune) kept.push({ reason: 'not-in-file', ...base(userId), ...guardrailLabel(guardrailId) });
      else changes.push({ kind: 'unassign', ...base(userId), ...guardrailLabel(guardrailId), reason: 'not-listed' });
    }
  }
}

/**
 * Key assignments: the same rules as members' — a key holds at most one
 * guardrail of its workspace, assigning it elsewhere moves it in one call —
 * for the guardrails that list `keys`. Keys of the others are left alone.
 */
function planKeys(workspace: DesiredWorkspace, live: ObservedWorkspace, changes: Change[], kept: Kept[]): void {
  if (!live.keys) return;
  const liveKeys = live.keys;
  const guardrailLabel = (guardrailId: string) => ({ guardrailId, guardrailName: live.guardrails.get(guardrailId)?.info.name ?? guardrailId });
  const base = (keyHash: string, guardrailId: string) => {
    const key = liveKeys.get(keyHash);
    return {
      workspaceId: workspace.info.id,
      workspaceSlug: workspace.info.slug,
      keyHash,
      keyName: key?.name ?? '',
      keyLabel: key?.label ?? '',
      ...guardrailLabel(guardrailId),
    };
  };
  const heldBy = new Map<string, string>();
  for (const [guardrailId, guardrail] of live.guardrails) for (const keyHash of guardrail.keys ?? []) heldBy.set(keyHash, guardrailId);
  const wanted = new Set<string>();
  for (const guardrail of workspace.guardrails.values()) for (const keyHash of guardrail.keys ?? []) wanted.add(keyHash);

  for (const [guardrailId, guardrail] of workspace.guardrails) {
    if (!guardrail.keys) continue;
    for (const keyHash of guardrail.keys) {
      const from = heldBy.get(keyHash);
      if (from === guardrailId) continue;
      changes.push(
        from === undefined
          ? { kind: 'assign-key', ...base(keyHash, guardrailId) }
          : { kind: 'move-key', ...base(keyHash, guardrailId), fromGuardrailId: from, fromGuardrailName: guardrailLabel(from).guardrailName },
      );
    }
    for (const keyHash of live.guardrails.get(guardrailId)?.keys ?? []) {
      if (wanted.has(keyHash)) continue;
      if (workspace.protectedKeys?.has(keyHash)) kept.push({ reason: 'protected', ...base(keyHash, guardrailId) });
      else if (!guardrail.prune) kept.push({ reason: 'not-in-file', ...base(keyHash, guardrailId) });
      else changes.push({ kind: 'unassign-key', ...base(keyHash, guardrailId) });
    }
  }
}

/** Every resource read for this workspace, with what was observed, for safety checks and stale-plan detection. */
function resourcesOf(workspace: DesiredWorkspace, live: ObservedWorkspace): PlannedResource[] {
  const common = { workspaceId: workspace.info.id, workspaceSlug: workspace.info.slug, safety: workspace.safety };
  const resources: PlannedResource[] = [];
  if (!live.isDefault && !live.membersUnread) {
    resources.push({
      type: 'workspace',
      id: workspace.info.id,
      label: `workspace ${workspace.info.slug}`,
      managed: workspace.members !== undefined,
      allowEmpty: workspace.allowEmpty,
      ...common,
      ...observedMembers(live.members),
    });
  }
  const guardrails = [...live.guardrails.values()].sort((a, b) => compareText(a.info.name, b.info.name) || compareText(a.info.id, b.info.id));
  for (const guardrail of guardrails) {
    const managed = workspace.guardrails.get(guardrail.info.id);
    resources.push({
      type: 'guardrail',
      id: guardrail.info.id,
      label: `guardrail ${guardrail.info.name} (workspace ${workspace.info.slug})`,
      managed: managed?.members !== undefined,
      allowEmpty: managed?.allowEmpty ?? false,
      ...common,
      ...observedMembers(guardrail.members),
    });
    if (guardrail.keys) {
      resources.push({
        type: 'guardrail-keys',
        id: guardrail.info.id,
        label: `keys of guardrail ${guardrail.info.name} (workspace ${workspace.info.slug})`,
        managed: managed?.keys !== undefined,
        allowEmpty: managed?.allowEmpty ?? false,
        ...common,
        ...observedMembers(guardrail.keys),
      });
    }
  }
  return resources;
}

/** Sorted user ids and their fingerprint. */
function observedMembers(members: Iterable<string>): { userIds: string[]; fingerprint: string } {
  const userIds = [...members].sort();
  return { userIds, fingerprint: fingerprintOf(userIds) };
}

function fingerprintOf(sortedUserIds: string[]): string {
  return createHash('sha256').update(sortedUserIds.join('\n')).digest('hex').slice(0, 32);
}

/** The summary's field for each kind of change. */
const SUMMARY_FIELD: Record<Change['kind'], keyof Omit<PlanSummary, 'workspaces' | 'total'>> = {
  'add-member': 'add',
  'remove-member': 'remove',
  assign: 'assign',
  unassign: 'unassign',
  move: 'move',
  'assign-key': 'assignKeys',
  'unassign-key': 'unassignKeys',
  'move-key': 'moveKeys',
};

function summarize(changes: Change[]): PlanSummary {
  const summary: PlanSummary = {
    add: 0,
    remove: 0,
    assign: 0,
    unassign: 0,
    move: 0,
    assignKeys: 0,
    unassignKeys: 0,
    moveKeys: 0,
    workspaces: 0,
    total: changes.length,
  };
  const workspaces = new Set<string>();
  for (const change of changes) {
    workspaces.add(change.workspaceId);
    summary[SUMMARY_FIELD[change.kind]]++;
  }
  summary.workspaces = workspaces.size;
  return summary;
}

