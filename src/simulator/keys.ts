/**
 * API keys, the members they make unremovable, and key assignments. A key
 * belongs to one workspace and holds at most one guardrail, of that
 * workspace: assigning it elsewhere moves it.
 */
import { iso, sortedByCreation } from './chronology.js';
import { IdSequence, unique } from './ids.js';
import type { ApiKeyRecord, GuardrailRecord, KeyAssignmentRecord, WorkspaceRecord } from './records.js';
import { keyOfAnotherWorkspace, requireAssignable } from './refusals.js';
import type { StateWorkspace } from './state.js';
import type { Workspaces } from './workspaces.js';

export class Keys {
  private readonly byHash = new Map<string, ApiKeyRecord>();
  /** workspace id → its keys, by hash; keys are neither created nor deleted through the simulated API. */
  private readonly byWorkspace = new Map<string, ApiKeyRecord[]>();
  /** workspace id → members the state says hold active keys there, beyond the creators of its enabled keys. */
  private readonly holders = new Map<string, Set<string>>();
  /** workspace id → creators of its enabled keys. */
  private readonly creators = new Map<string, Set<string>>();
  private readonly assignments = new Map<string, KeyAssignmentRecord>();
  private readonly assignmentsByGuardrail = new Map<string, Map<string, KeyAssignmentRecord>>();
  private readonly sortedAssignments = new Map<string, KeyAssignmentRecord[]>();
  private sortedAllAssignments: KeyAssignmentRecord[] | undefined;
  private readonly assignmentIds = new IdSequence('6b657900');

  constructor(
    stateWorkspaces: readonly StateWorkspace[],
    private readonly workspaces: Workspaces,
    private readonly now: () => string,
  ) {
    for (const state of stateWorkspaces) {
      const workspace = workspaces.require(state.id);
      this.holders.set(workspace.id, new Set(state.active_key_holders ?? []));
      const keys = (state.keys ?? []).map((key) => ({
        hash: key.hash,
        name: key.name,
        label: key.label,
        workspaceId: workspace.id,
        disabled: key.disabled ?? false,
        creatorUserId: key.creator_user_id ?? null,
        createdAt: iso(key.created_at, workspace.createdAt),
      }));
      for (const key of keys) this.byHash.set(key.hash, key);
      this.creators.set(workspace.id, new Set(keys.flatMap((key) => (key.disabled || key.creatorUserId === null ? [] : [key.creatorUserId]))));
      this.byWorkspace.set(workspace.id, keys.sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0)));
      for (const key of state.keys ?? []) {
        if (key.guardrail_id) this.insertAssignment(key.hash, key.guardrail_id, null, workspace.createdAt);
      }
    }
  }

  /** A workspace's keys, ordered by hash. */
  listOf(workspace: WorkspaceRecord): readonly ApiKeyRecord[] {
    return this.byWorkspace.get(workspace.id) ?? [];
  }

  get(hash: string): ApiKeyRecord | undefined {
    return this.byHash.get(hash);
  }

  /** The guardrail id the key holds, if any. */
  guardrailOf(hash: string): string | undefined {
    return this.assignments.get(hash)?.guardrailId;
  }

  listAssignments(guardrail: GuardrailRecord): readonly KeyAssignmentRecord[] {
    let sorted = this.sortedAssignments.get(guardrail.id);
    if (sorted === undefined) {
      sorted = sortedByCreation(this.assignmentsByGuardrail.get(guardrail.id)?.values() ?? []);
      this.sortedAssignments.set(guardrail.id, sorted);
    }
    return sorted;
  }

  listAllAssignments(): readonly KeyAssignmentRecord[] {
    this.sortedAllAssignments ??= sortedByCreation(this.assignments.values());
    return this.sortedAllAssignments;
  }

  /**
   * Assigns keys, moving those that hold another guardrail; returns how many
   * changed. Unknown hashes are skipped (documented: still 200, a lower
   * count); a key of another workspace refuses the whole batch, as do legacy
   * and default guardrails.
   */
  assign(guardrail: GuardrailRecord, hashes: readonly string[], assignedBy: string | null): number {
    const workspace = requireAssignable(guardrail, (id) => this.workspaces.require(id), 'keys');
    const known = unique(hashes).flatMap((hash) => this.byHash.get(hash) ?? []);
    const stranger = known.find((key) => key.workspaceId !== workspace.id);
    if (stranger !== undefined) throw keyOfAnotherWorkspace(stranger, guardrail);
    const createdAt = this.now();
    const changed = known.filter((key) => this.guardrailOf(key.hash) !== guardrail.id);
    for (const key of changed) this.insertAssignment(key.hash, guardrail.id, assignedBy, createdAt);
    return changed.length;
  }

  /** Unassigns keys; a key that is unknown, gone or not on this guardrail counts 0. */
  unassign(guardrail: GuardrailRecord, hashes: readonly string[]): number {
    const assigned = unique(hashes).filter((hash) => this.guardrailOf(hash) === guardrail.id);
    for (const hash of assigned) this.deleteAssignment(hash);
    return assigned.length;
  }

  /** Whether the member holds active keys in the workspace: marked so in the state, or the creator of one of its enabled keys. */
  holdsActiveKeys(workspace: WorkspaceRecord, userId: string): boolean {
    return (this.holders.get(workspace.id)?.has(userId) ?? false) || (this.creators.get(workspace.id)?.has(userId) ?? false);
  }

  /** Marks (or unmarks) a member as holding active keys beyond those the workspace's keys show. */
  setHolder(workspace: WorkspaceRecord, userId: string, active: boolean): void {
    const holders = this.holders.get(workspace.id) as Set<string>;
    if (active) holders.add(userId);
    else holders.delete(userId);
  }

  markedHolders(workspace: WorkspaceRecord): string[] {
    return [...(this.holders.get(workspace.id) ?? [])];
  }

  dropUser(userId: string): void {
    for (const holders of this.holders.values()) holders.delete(userId);
  }

  private insertAssignment(hash: string, guardrailId: string, assignedBy: string | null, createdAt: string): void {
    this.deleteAssignment(hash);
    const assignment: KeyAssignmentRecord = { id: this.assignmentIds.next(), keyHash: hash, guardrailId, assignedBy, createdAt };
    this.assignments.set(hash, assignment);
    let byHash = this.assignmentsByGuardrail.get(guardrailId);
    if (byHash === undefined) this.assignmentsByGuardrail.set(guardrailId, (byHash = new Map()));
    byHash.set(hash, assignment);
    this.forgetSorted(guardrailId);
  }

  private deleteAssignment(hash: string): void {
    const existing = this.assignments.get(hash);
    if (existing === undefined) return;
    this.assignments.delete(hash);
    this.assignmentsByGuardrail.get(existing.guardrailId)?.delete(hash);
    this.forgetSorted(existing.guardrailId);
  }

  private forgetSorted(guardrailId: string): void {
    this.sortedAssignments.delete(guardrailId);
    this.sortedAllAssignments = undefined;
  }
}
