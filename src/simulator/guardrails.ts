/**
 * Guardrails and their member assignments. Invariant: a member holds at
 * most one direct guardrail per workspace (`heldBy` mirrors the assignment
 * maps), so assigning a member who holds another one moves them.
 */
import { byCreation, iso, sortedByCreation } from './chronology.js';
import { badRequest, notFound } from './errors.js';
import { IdSequence, unique } from './ids.js';
import type { Organization } from './organization.js';
import type { AssignResult, AssignmentRecord, GuardrailRecord, WorkspaceRecord } from './records.js';
import { notWorkspaceMember, requireAssignable } from './refusals.js';
import { isUuid, type StateGuardrail } from './state.js';
import type { Workspaces } from './workspaces.js';

export class Guardrails {
  private readonly byId = new Map<string, GuardrailRecord>();
  private readonly sorted: GuardrailRecord[];
  private readonly sortedByWorkspace = new Map<string, GuardrailRecord[]>();
  private readonly assignments = new Map<string, Map<string, AssignmentRecord>>();
  private readonly sortedAssignments = new Map<string, AssignmentRecord[]>();
  private sortedAllAssignments: AssignmentRecord[] | undefined;
  /** workspace id → user id → the one guardrail the member holds there. */
  private readonly heldByMember = new Map<string, Map<string, string>>();
  private readonly assignmentIds = new IdSequence('61737300');

  constructor(
    guardrails: readonly StateGuardrail[],
    private readonly workspaces: Workspaces,
    private readonly organization: Organization,
    private readonly now: () => string,
    stateCreatedAt: string,
  ) {
    for (const guardrail of guardrails) {
      const createdAt = iso(guardrail.created_at, stateCreatedAt);
      this.byId.set(guardrail.id, {
        id: guardrail.id,
        name: guardrail.name,
        description: guardrail.description,
        workspaceId: guardrail.workspace_id,
        limitUsd: guardrail.limit_usd ?? null,
        resetInterval: guardrail.reset_interval ?? null,
        allowedModels: guardrail.allowed_models ?? null,
        allowedProviders: guardrail.allowed_providers ?? null,
        createdAt,
        updatedAt: guardrail.updated_at === null ? null : iso(guardrail.updated_at, createdAt),
      });
      this.assignments.set(guardrail.id, new Map());
    }
    this.sorted = sortedByCreation(this.byId.values());
    for (const workspace of workspaces.list()) {
      this.sortedByWorkspace.set(workspace.id, []);
      this.heldByMember.set(workspace.id, new Map());
    }
    for (const guardrail of this.sorted) {
      if (guardrail.workspaceId !== null) this.sortedByWorkspace.get(guardrail.workspaceId)?.push(guardrail);
    }
    for (const guardrail of guardrails) {
      const record = this.byId.get(guardrail.id) as GuardrailRecord;
      for (const userId of guardrail.members ?? []) this.insertAssignment(record, userId, null, record.createdAt);
    }
  }

  list(): readonly GuardrailRecord[] {
    return this.sorted;
  }

  listOf(workspace: WorkspaceRecord): readonly GuardrailRecord[] {
    return this.sortedByWorkspace.get(workspace.id) ?? [];
  }

  find(guardrailId: string): GuardrailRecord | undefined {
    return this.byId.get(guardrailId);
  }

  /** 400 when the id is not a UUID, 404 when no guardrail has it (an unconfigured default guardrail included). */
  require(guardrailId: string): GuardrailRecord {
    if (!isUuid(guardrailId)) throw badRequest(`Invalid guardrail id "${guardrailId}": expected a UUID`);
    const guardrail = this.byId.get(guardrailId);
    if (guardrail === undefined) throw notFound(`Guardrail ${guardrailId} not found`);
    return guardrail;
  }

  listAssignments(guardrail: GuardrailRecord): readonly AssignmentRecord[] {
    let sorted = this.sortedAssignments.get(guardrail.id);
    if (sorted === undefined) {
      sorted = sortedByCreation(this.assignmentsOf(guardrail).values());
      this.sortedAssignments.set(guardrail.id, sorted);
    }
    return sorted;
  }

  listAllAssignments(): readonly AssignmentRecord[] {
    if (this.sortedAllAssignments === undefined) {
      const all: AssignmentRecord[] = [];
      for (const byUser of this.assignments.values()) for (const assignment of byUser.values()) all.push(assignment);
      this.sortedAllAssignments = all.sort(byCreation);
    }
    return this.sortedAllAssignments;
  }

  /** The guardrail a member directly holds in a workspace, if any. */
  heldBy(workspaceId: string, userId: string): GuardrailRecord | undefined {
    const guardrailId = this.heldByMember.get(workspaceId)?.get(userId);
    return guardrailId === undefined ? undefined : this.byId.get(guardrailId);
  }

  /**
   * Assigns members, moving those who hold another guardrail of the same
   * workspace. Refused as a whole for legacy and default guardrails,
   * non-organization users and (outside the default workspace) users who are
   * not workspace members.
   */
  assignMembers(guardrail: GuardrailRecord, userIds: readonly string[], assignedBy: string | null): AssignResult {
    const workspace = requireAssignable(guardrail, (id) => this.workspaces.require(id), 'members');
    const requested = unique(userIds);
    for (const userId of requested) {
      this.organization.require(userId);
      if (!this.workspaces.isMember(workspace, userId)) throw notWorkspaceMember(userId, this.organization.describe(userId), workspace);
    }
    const result: AssignResult = { assigned: 0, moved: [] };
    const createdAt = this.now();
    for (const userId of requested) {
      const current = this.heldBy(workspace.id, userId);
      if (current?.id === guardrail.id) continue;
      if (current !== undefined) {
        this.deleteAssignment(current, userId);
        result.moved.push({ userId, from: current });
      }
      this.insertAssignment(guardrail, userId, assignedBy, createdAt);
      result.assigned += 1;
    }
    return result;
  }

  /** Unassigns members; members not on the guardrail are ignored, non-organization users refused. */
  unassignMembers(guardrail: GuardrailRecord, userIds: readonly string[]): number {
    const requested = unique(userIds);
    for (const userId of requested) this.organization.require(userId);
    return requested.filter((userId) => this.deleteAssignment(guardrail, userId)).length;
  }

  /** A person left the organization: their assignments go. */
  dropUser(userId: string): void {
    for (const held of this.heldByMember.values()) {
      const guardrailId = held.get(userId);
      if (guardrailId !== undefined) this.deleteAssignment(this.byId.get(guardrailId) as GuardrailRecord, userId);
    }
  }

  /** Every guardrail: sorted user ids. */
  snapshot(): Record<string, string[]> {
    const assignments: Record<string, string[]> = {};
    for (const [guardrailId, byUser] of this.assignments) assignments[guardrailId] = [...byUser.keys()].sort();
    return assignments;
  }

  private assignmentsOf(guardrail: GuardrailRecord): Map<string, AssignmentRecord> {
    return this.assignments.get(guardrail.id) as Map<string, AssignmentRecord>;
  }

  private insertAssignment(guardrail: GuardrailRecord, userId: string, assignedBy: string | null, createdAt: string): void {
    this.assignmentsOf(guardrail).set(userId, { id: this.assignmentIds.next(), userId, guardrailId: guardrail.id, assignedBy, createdAt });
    this.heldByMember.get(guardrail.workspaceId as string)?.set(userId, guardrail.id);
    this.forgetSorted(guardrail);
  }

  private deleteAssignment(guardrail: GuardrailRecord, userId: string): boolean {
    if (!this.assignmentsOf(guardrail).delete(userId)) return false;
    if (guardrail.workspaceId !== null) this.heldByMember.get(guardrail.workspaceId)?.delete(userId);
    this.forgetSorted(guardrail);
    return true;
  }

  private forgetSorted(guardrail: GuardrailRecord): void {
    this.sortedAssignments.delete(guardrail.id);
    this.sortedAllAssignments = undefined;
  }
}
