/**
 * Workspaces and their membership. The default workspace has no explicit
 * members: it lists every organization member, and nobody is added to or
 * removed from it.
 */
import { iso, sortedByCreation } from './chronology.js';
import { notFound } from './errors.js';
import { IdSequence, unique } from './ids.js';
import type { Organization } from './organization.js';
import { workspaceRole, type MembershipRecord, type OrgMemberRecord, type WorkspaceRecord } from './records.js';
import { refuseDefaultWorkspace } from './refusals.js';
import { defaultWorkspaceIndex, type StateWorkspace } from './state.js';

export class Workspaces {
  private readonly byId = new Map<string, WorkspaceRecord>();
  private readonly bySlug = new Map<string, WorkspaceRecord>();
  private readonly sorted: WorkspaceRecord[];
  /** Explicit memberships of non-default workspaces. */
  private readonly memberships = new Map<string, Map<string, MembershipRecord>>();
  private readonly sortedMemberships = new Map<string, MembershipRecord[]>();
  /** The default workspace's listing, and the organization listing it was built from. */
  private defaultMemberships: { from: readonly OrgMemberRecord[]; rows: MembershipRecord[] } | undefined;
  private readonly membershipIds = new IdSequence('6d656d00');

  constructor(
    workspaces: readonly StateWorkspace[],
    private readonly organization: Organization,
    private readonly now: () => string,
    stateCreatedAt: string,
  ) {
    const defaultIndex = defaultWorkspaceIndex(workspaces);
    for (const [index, workspace] of workspaces.entries()) {
      const record: WorkspaceRecord = {
        id: workspace.id,
        slug: workspace.slug,
        name: workspace.name,
        description: workspace.description,
        defaultGuardrailId: workspace.default_guardrail_id,
        createdBy: workspace.created_by ?? null,
        createdAt: iso(workspace.created_at, stateCreatedAt),
        updatedAt: workspace.updated_at === null ? null : iso(workspace.updated_at, workspace.created_at ?? stateCreatedAt),
        isDefault: index === defaultIndex,
      };
      this.byId.set(record.id, record);
      this.bySlug.set(record.slug, record);
      if (record.isDefault) continue;
      const members = new Map<string, MembershipRecord>();
      for (const userId of workspace.members ?? []) members.set(userId, this.newMembership(record, userId, record.createdAt));
      this.memberships.set(record.id, members);
    }
    this.sorted = sortedByCreation(this.byId.values());
  }

  list(): readonly WorkspaceRecord[] {
    return this.sorted;
  }

  /** By UUID or slug. */
  find(idOrSlug: string): WorkspaceRecord | undefined {
    return this.byId.get(idOrSlug) ?? this.bySlug.get(idOrSlug);
  }

  /** By UUID or slug; 404 when unknown. */
  require(idOrSlug: string): WorkspaceRecord {
    const workspace = this.find(idOrSlug);
    if (workspace === undefined) throw notFound(`Workspace ${idOrSlug} not found`);
    return workspace;
  }

  /** The organization's default workspace, whatever its slug; `undefined` when it has none. */
  defaultWorkspace(): WorkspaceRecord | undefined {
    return this.sorted.find((workspace) => workspace.isDefault);
  }

  /** The default workspace lists every organization member, with the role they hold there. */
  listMembers(workspace: WorkspaceRecord): readonly MembershipRecord[] {
    if (workspace.isDefault) return this.defaultWorkspaceMembers(workspace);
    let sorted = this.sortedMemberships.get(workspace.id);
    if (sorted === undefined) {
      sorted = sortedByCreation(this.explicitMembers(workspace).values());
      this.sortedMemberships.set(workspace.id, sorted);
    }
    return sorted;
  }

  isMember(workspace: WorkspaceRecord, userId: string): boolean {
    return workspace.isDefault ? this.organization.has(userId) : this.explicitMembers(workspace).has(userId);
  }

  /** Adds organization members with their organization role; returns the memberships created. */
  addMembers(workspace: WorkspaceRecord, userIds: readonly string[]): MembershipRecord[] {
    refuseDefaultWorkspace(workspace, 'added to');
    const requested = unique(userIds);
    for (const userId of requested) this.organization.require(userId);
    const members = this.explicitMembers(workspace);
    const created: MembershipRecord[] = [];
    const createdAt = this.now();
    for (const userId of requested) {
      if (members.has(userId)) continue;
      const membership = this.newMembership(workspace, userId, createdAt);
      members.set(userId, membership);
      created.push(membership);
    }
    if (created.length > 0) this.sortedMemberships.delete(workspace.id);
    return created;
  }

  /** Deletes the memberships the caller has cleared for removal; returns the users who were members. */
  deleteMembers(workspace: WorkspaceRecord, userIds: readonly string[]): string[] {
    refuseDefaultWorkspace(workspace, 'removed from');
    const members = this.explicitMembers(workspace);
    const removed = userIds.filter((userId) => members.delete(userId));
    if (removed.length > 0) this.sortedMemberships.delete(workspace.id);
    return removed;
  }

  /** A person left the organization: every explicit membership goes. */
  dropUser(userId: string): void {
    for (const [workspaceId, members] of this.memberships) {
      if (members.delete(userId)) this.sortedMemberships.delete(workspaceId);
    }
  }

  /** Non-default workspaces: sorted user ids. */
  snapshot(): Record<string, string[]> {
    const workspaceMembers: Record<string, string[]> = {};
    for (const [workspaceId, members] of this.memberships) workspaceMembers[workspaceId] = [...members.keys()].sort();
    return workspaceMembers;
  }

  private defaultWorkspaceMembers(workspace: WorkspaceRecord): readonly MembershipRecord[] {
    const from = this.organization.list();
    if (this.defaultMemberships?.from !== from) {
      const rows = from.map((member) => ({
        id: member.defaultMembershipId,
        userId: member.id,
        workspaceId: workspace.id,
        role: workspaceRole(member.role),
        createdAt: member.createdAt,
      }));
      this.defaultMemberships = { from, rows };
    }
    return this.defaultMemberships.rows;
  }

  private newMembership(workspace: WorkspaceRecord, userId: string, createdAt: string): MembershipRecord {
    const member = this.organization.require(userId);
    return { id: this.membershipIds.next(), userId, workspaceId: workspace.id, role: workspaceRole(member.role), createdAt };
  }

  private explicitMembers(workspace: WorkspaceRecord): Map<string, MembershipRecord> {
    return this.memberships.get(workspace.id) as Map<string, MembershipRecord>;
  }
}
