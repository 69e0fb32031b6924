/**
 * The live organization behind the simulator: every rule of api.md that
 * concerns state lives here, so the HTTP layer only parses and serializes.
 *
 * Invariants:
 * - every bulk write validates the whole batch before changing anything, so a
 *   refused batch leaves the state untouched;
 * - lookups are O(1) (Maps keyed by id); list answers come from sorted arrays
 *   cached per collection and rebuilt at most once per mutation, never per
 *   page, so paging through 50,000 memberships stays linear;
 * - a member holds at most one direct guardrail per workspace
 *   (`guardrailOfMember` mirrors the assignment maps).
 *
 * Tests may call the helpers (`addWorkspaceMember`, `assign`, …) to play the
 * part of someone editing the organization in the dashboard; they obey the
 * same rules as the API and throw `SimulatorError` when the API would refuse.
 */
import { SimulatorError, badRequest, notFound } from './errors.js';
import { DEFAULT_STATE_TIMESTAMP, defaultWorkspaceIndex, isUuid, parseState } from './state.js';
import type { OrgRole, ResetInterval, SimulatorState, StateMember, StateScimMapping } from './state.js';
import { workspaceFields } from './wire.js';

export interface OrgMemberRecord {
  id: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  role: OrgRole;
  scimManaged: boolean;
  createdAt: string;
  /** Id of the implicit membership in the default workspace. */
  defaultMembershipId: string;
}

export interface WorkspaceRecord {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  defaultGuardrailId: string;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string | null;
  isDefault: boolean;
}

export type WorkspaceRole = 'admin' | 'member';

export interface MembershipRecord {
  id: string;
  userId: string;
  workspaceId: string;
  role: WorkspaceRole;
  createdAt: string;
}

export interface GuardrailRecord {
  id: string;
  name: string;
  description: string | null;
  workspaceId: string | null;
  limitUsd: number | null;
  resetInterval: ResetInterval | null;
  allowedModels: string[] | null;
  allowedProviders: string[] | null;
  createdAt: string;
  updatedAt: string | null;
}

export interface AssignmentRecord {
  id: string;
  userId: string;
  guardrailId: string;
  assignedBy: string | null;
  createdAt: string;
}

export interface ApiKeyRecord {
  hash: string;
  name: string;
  label: string;
  workspaceId: string;
}

export interface ScimMappingRecord {
  id: string;
  scimGroupId: string;
  workspaceId: string;
  role: WorkspaceRole;
  createdAt: string;
}

export interface KeyAssignmentRecord {
  id: string;
  keyHash: string;
  guardrailId: string;
  assignedBy: string | null;
  createdAt: string;
}

/** Assignments left behind by a removal: what the real API does with them is undocumented. */
export interface OrphanedAssignment {
  userId: string;
  workspace: WorkspaceRecord;
  guardrail: GuardrailRecord;
}

export interface RemovalResult {
  removed: string[];
  orphaned: OrphanedAssignment[];
}

export interface AssignResult {
  assigned: number;
  /** Members who held another guardrail of the workspace and were moved. */
  moved: Array<{ userId: string; from: GuardrailRecord }>;
}

export interface StateSnapshot {
  /** Non-default workspaces only: user ids, sorted. */
  workspaceMembers: Record<string, string[]>;
  /** Every guardrail: directly assigned user ids, sorted. */
  assignments: Record<string, string[]>;
}

/**
 * How the API refuses to remove a member who holds active API keys in the
 * workspace or is SCIM-managed. api.md leaves this undocumented; the default
 * (400, whole batch, named in `error.metadata.user_id`) is the simulator's pick.
 */
export interface RefusalMode {
  status?: 400 | 403;
  /** `batch`: the call fails and removes nobody; `member`: the others are removed and the call answers 200 with a lower `removed_count`. */
  scope?: 'batch' | 'member';
  /** Where a failed call names the first refused member: `metadata` (`error.metadata.user_id`), only in the `message`, or `none`. */
  naming?: 'metadata' | 'message' | 'none';
}

export interface StoreOptions {
  /** Clock for `created_at` of new records; ISO 8601. */
  now?: () => string;
  refusal?: RefusalMode;
  /** Users whose removals are skipped without a word: the call answers 200, does not count them, and they stay members. */
  skipRemovalOf?: readonly string[];
}

interface Timestamped {
  id: string;
  createdAt: string;
}

function byCreation(a: Timestamped, b: Timestamped): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function sortedByCreation<T extends Timestamped>(records: Iterable<T>): T[] {
  return [...records].sort(byCreation);
}

function iso(timestamp: string | null | undefined, fallback: string): string {
  return new Date(timestamp ?? fallback).toISOString();
}

function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}

function checkRefusalMode(mode: Required<RefusalMode>): void {
  const allowed = { status: [400, 403], scope: ['batch', 'member'], naming: ['metadata', 'message', 'none'] };
  for (const [field, values] of Object.entries(allowed)) {
    const value = mode[field as keyof RefusalMode];
    if (!(values as unknown[]).includes(value)) throw new Error(`refusal.${field} must be one of ${values.join(', ')}, got ${String(value)}`);
  }
}

function workspaceRole(role: OrgRole): WorkspaceRole {
  return role === 'org:admin' ? 'admin' : 'member';
}

/** Sequential UUIDs: unique, valid, and reproducible for a given history. */
class IdSequence {
  private counter = 0;
  constructor(private readonly prefix: string) {}
  next(): string {
    this.counter += 1;
    return `${this.prefix}-0000-4000-8000-${this.counter.toString(16).padStart(12, '0')}`;
  }
}

export class SimulatorStore {
  readonly organizationId: string;
  private readonly now: () => string;
  private readonly stateCreatedAt: string;
  private readonly refusal: Required<RefusalMode>;
  private readonly skipRemovalOf: ReadonlySet<string>;

  private readonly orgMembers = new Map<string, OrgMemberRecord>();
  private sortedOrgMembers: OrgMemberRecord[] | undefined;
  private defaultMemberships: MembershipRecord[] | undefined;

  private readonly workspacesById = new Map<string, WorkspaceRecord>();
  private readonly workspacesBySlug = new Map<string, WorkspaceRecord>();
  private readonly sortedWorkspaces: WorkspaceRecord[];
  /** Explicit memberships of non-default workspaces. */
  private readonly memberships = new Map<string, Map<string, MembershipRecord>>();
  private readonly sortedMemberships = new Map<string, MembershipRecord[]>();
  private readonly activeKeyHolders = new Map<string, Set<string>>();

  private readonly guardrailsById = new Map<string, GuardrailRecord>();
  private readonly sortedGuardrails: GuardrailRecord[];
  private readonly sortedGuardrailsByWorkspace = new Map<string, GuardrailRecord[]>();
  private readonly assignments = new Map<string, Map<string, AssignmentRecord>>();
  private readonly sortedAssignments = new Map<string, AssignmentRecord[]>();
  private sortedAllAssignments: AssignmentRecord[] | undefined;
  /** workspace id → user id → the one guardrail the member holds there. */
  private readonly guardrailOfMember = new Map<string, Map<string, string>>();

  private readonly keys = new Map<string, ApiKeyRecord>();
  /** `undefined`: not an Enterprise organization, so SCIM answers `scimUnavailableStatus`. */
  readonly scimMappings: readonly ScimMappingRecord[] | undefined;
  readonly scimUnavailableStatus: 403 | 404;
  private readonly keyAssignments = new Map<string, KeyAssignmentRecord>();
  private readonly keyAssignmentsByGuardrail = new Map<string, Map<string, KeyAssignmentRecord>>();
  private readonly sortedKeyAssignments = new Map<string, KeyAssignmentRecord[]>();
  private sortedAllKeyAssignments: KeyAssignmentRecord[] | undefined;

  private readonly membershipIds = new IdSequence('6d656d00');
  private readonly defaultMembershipIds = new IdSequence('64656600');
  private readonly assignmentIds = new IdSequence('61737300');
  private readonly keyAssignmentIds = new IdSequence('6b657900');

  /** Builds a store from a state (validated again here; the state is copied, never kept). */
  constructor(state: SimulatorState, options: StoreOptions = {}) {
    parseState(state);
    this.now = options.now ?? (() => new Date().toISOString());
    this.refusal = {
      status: options.refusal?.status ?? 400,
      scope: options.refusal?.scope ?? 'batch',
      naming: options.refusal?.naming ?? 'metadata',
    };
    checkRefusalMode(this.refusal);
    this.skipRemovalOf = new Set(options.skipRemovalOf);
    this.organizationId = state.organization_id;
    this.stateCreatedAt = iso(state.created_at, DEFAULT_STATE_TIMESTAMP);

    for (const member of state.members) this.insertOrgMember(member);

    const defaultIndex = defaultWorkspaceIndex(state.workspaces);
    for (const [index, workspace] of state.workspaces.entries()) {
      const record: WorkspaceRecord = {
        id: workspace.id,
        slug: workspace.slug,
        name: workspace.name,
        description: workspace.description,
        defaultGuardrailId: workspace.default_guardrail_id,
        createdBy: workspace.created_by ?? null,
        createdAt: iso(workspace.created_at, this.stateCreatedAt),
        updatedAt: workspace.updated_at === null ? null : iso(workspace.updated_at, workspace.created_at ?? this.stateCreatedAt),
        isDefault: index === defaultIndex,
      };
      this.workspacesById.set(record.id, record);
      this.workspacesBySlug.set(record.slug, record);
      this.guardrailOfMember.set(record.id, new Map());
      this.activeKeyHolders.set(record.id, new Set(workspace.active_key_holders ?? []));
      if (!record.isDefault) {
        const members = new Map<string, MembershipRecord>();
        for (const userId of workspace.members ?? []) {
          members.set(userId, this.newMembership(record, userId, record.createdAt));
        }
        this.memberships.set(record.id, members);
      }
      for (const key of workspace.keys ?? []) {
        this.keys.set(key.hash, { hash: key.hash, name: key.name, label: key.label, workspaceId: record.id });
      }
    }
    this.sortedWorkspaces = sortedByCreation(this.workspacesById.values());
    this.scimMappings = state.scim_group_mappings && sortedByCreation(state.scim_group_mappings.map((mapping) => this.scimMappingRecord(mapping)));
    this.scimUnavailableStatus = state.scim_unavailable_status ?? 403;

    for (const guardrail of state.guardrails) {
      const createdAt = iso(guardrail.created_at, this.stateCreatedAt);
      const record: GuardrailRecord = {
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
      };
      this.guardrailsById.set(record.id, record);
      this.assignments.set(record.id, new Map());
      this.keyAssignmentsByGuardrail.set(record.id, new Map());
    }
    this.sortedGuardrails = sortedByCreation(this.guardrailsById.values());
    for (const workspace of this.sortedWorkspaces) this.sortedGuardrailsByWorkspace.set(workspace.id, []);
    for (const guardrail of this.sortedGuardrails) {
      if (guardrail.workspaceId !== null) this.sortedGuardrailsByWorkspace.get(guardrail.workspaceId)?.push(guardrail);
    }

    for (const guardrail of state.guardrails) {
      const record = this.guardrailsById.get(guardrail.id) as GuardrailRecord;
      for (const userId of guardrail.members ?? []) this.insertAssignment(record, userId, null, record.createdAt);
    }
    for (const workspace of state.workspaces) {
      for (const key of workspace.keys ?? []) {
        if (key.guardrail_id) this.insertKeyAssignment(key.hash, key.guardrail_id, null, iso(workspace.created_at, this.stateCreatedAt));
      }
    }
  }

  // ── reading ────────────────────────────────────────────────────────────

  listOrgMembers(): readonly OrgMemberRecord[] {
    this.sortedOrgMembers ??= sortedByCreation(this.orgMembers.values());
    return this.sortedOrgMembers;
  }

  getOrgMember(userId: string): OrgMemberRecord | undefined {
    return this.orgMembers.get(userId);
  }

  listWorkspaces(): readonly WorkspaceRecord[] {
    return this.sortedWorkspaces;
  }

  /** By UUID or slug. */
  findWorkspace(idOrSlug: string): WorkspaceRecord | undefined {
    return this.workspacesById.get(idOrSlug) ?? this.workspacesBySlug.get(idOrSlug);
  }

  /** By UUID or slug; 404 when unknown. */
  requireWorkspace(idOrSlug: string): WorkspaceRecord {
    const workspace = this.findWorkspace(idOrSlug);
    if (workspace === undefined) throw notFound(`Workspace ${idOrSlug} not found`);
    return workspace;
  }

  /** The default workspace lists every organization member, with the role they hold there. */
  listWorkspaceMembers(workspaceIdOrSlug: string): readonly MembershipRecord[] {
    const workspace = this.requireWorkspace(workspaceIdOrSlug);
    if (workspace.isDefault) {
      this.defaultMemberships ??= this.listOrgMembers().map((member) => ({
        id: member.defaultMembershipId,
        userId: member.id,
        workspaceId: workspace.id,
        role: workspaceRole(member.role),
        createdAt: member.createdAt,
      }));
      return this.defaultMemberships;
    }
    let sorted = this.sortedMemberships.get(workspace.id);
    if (sorted === undefined) {
      sorted = sortedByCreation(this.explicitMembers(workspace).values());
      this.sortedMemberships.set(workspace.id, sorted);
    }
    return sorted;
  }

  isWorkspaceMember(workspaceIdOrSlug: string, userId: string): boolean {
    const workspace = this.requireWorkspace(workspaceIdOrSlug);
    if (workspace.isDefault) return this.orgMembers.has(userId);
    return this.explicitMembers(workspace).has(userId);
  }

  /** The organization's default workspace, whatever its slug; `undefined` when it has none. */
  defaultWorkspace(): WorkspaceRecord | undefined {
    return this.sortedWorkspaces.find((workspace) => workspace.isDefault);
  }

  /**
   * The guardrails of one workspace (by UUID or slug), or without one those
   * of the default workspace only, as `GET /guardrails` answers: none when
   * the organization has no default workspace.
   */
  listGuardrails(workspaceIdOrSlug?: string): readonly GuardrailRecord[] {
    const workspace = workspaceIdOrSlug === undefined ? this.defaultWorkspace() : this.requireWorkspace(workspaceIdOrSlug);
    return workspace === undefined ? [] : (this.sortedGuardrailsByWorkspace.get(workspace.id) ?? []);
  }

  /** The API keys of one workspace, or without one those of the default workspace only, as `GET /keys` answers. */
  listKeys(workspaceIdOrSlug?: string): ApiKeyRecord[] {
    const workspace = workspaceIdOrSlug === undefined ? this.defaultWorkspace() : this.requireWorkspace(workspaceIdOrSlug);
    if (workspace === undefined) return [];
    return [...this.keys.values()].filter((key) => key.workspaceId === workspace.id).sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
  }

  findGuardrail(guardrailId: string): GuardrailRecord | undefined {
    return this.guardrailsById.get(guardrailId);
  }

  /** 400 when the id is not a UUID, 404 when no guardrail has it. */
  requireGuardrail(guardrailId: string): GuardrailRecord {
    if (!isUuid(guardrailId)) throw badRequest(`Invalid guardrail id "${guardrailId}": expected a UUID`);
    const guardrail = this.guardrailsById.get(guardrailId);
    if (guardrail === undefined) throw notFound(`Guardrail ${guardrailId} not found`);
    return guardrail;
  }

  /** The guardrails of a workspace with this exact name (names are unique only by convention). */
  findGuardrailsByName(workspaceIdOrSlug: string, name: string): GuardrailRecord[] {
    return this.listGuardrails(workspaceIdOrSlug).filter((guardrail) => guardrail.name === name);
  }

  /** The one guardrail of a workspace with this name; throws when there is none or several. */
  guardrailByName(workspaceIdOrSlug: string, name: string): GuardrailRecord {
    const found = this.findGuardrailsByName(workspaceIdOrSlug, name);
    if (found.length !== 1 || found[0] === undefined) {
      throw new Error(`workspace ${workspaceIdOrSlug} has ${found.length} guardrails named "${name}"`);
    }
    return found[0];
  }

  listAssignments(guardrailId: string): readonly AssignmentRecord[] {
    const guardrail = this.requireGuardrail(guardrailId);
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
  guardrailOf(workspaceIdOrSlug: string, userId: string): GuardrailRecord | undefined {
    const workspace = this.requireWorkspace(workspaceIdOrSlug);
    const guardrailId = this.guardrailOfMember.get(workspace.id)?.get(userId);
    return guardrailId === undefined ? undefined : this.guardrailsById.get(guardrailId);
  }

  getApiKey(hash: string): ApiKeyRecord | undefined {
    return this.keys.get(hash);
  }

  listKeyAssignments(guardrailId: string): readonly KeyAssignmentRecord[] {
    const guardrail = this.requireGuardrail(guardrailId);
    let sorted = this.sortedKeyAssignments.get(guardrail.id);
    if (sorted === undefined) {
      sorted = sortedByCreation(this.keyAssignmentsByGuardrail.get(guardrail.id)?.values() ?? []);
      this.sortedKeyAssignments.set(guardrail.id, sorted);
    }
    return sorted;
  }

  listAllKeyAssignments(): readonly KeyAssignmentRecord[] {
    this.sortedAllKeyAssignments ??= sortedByCreation(this.keyAssignments.values());
    return this.sortedAllKeyAssignments;
  }

  hasActiveApiKeys(workspaceIdOrSlug: string, userId: string): boolean {
    const workspace = this.requireWorkspace(workspaceIdOrSlug);
    return this.activeKeyHolders.get(workspace.id)?.has(userId) ?? false;
  }

  /** "user_x (alice@corp.example)": how refusals name a user. */
  describeUser(userId: string): string {
    const member = this.orgMembers.get(userId);
    return member === undefined ? userId : `${userId} (${member.email})`;
  }

  // ── bulk writes (the API's) ──────────────────────────────────────────────

  /** Adds organization members with their organization role; returns the memberships created. */
  addWorkspaceMembers(workspaceIdOrSlug: string, userIds: readonly string[]): MembershipRecord[] {
    const workspace = this.requireWorkspace(workspaceIdOrSlug);
    this.refuseDefaultWorkspace(workspace, 'added to');
    const requested = unique(userIds);
    for (const userId of requested) this.requireOrgMember(userId);
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

  /**
   * Removes members; non-members are ignored. A member who holds active API
   * keys here or is SCIM-managed is refused as the `RefusalMode` says: with
   * the whole batch, or alone. Assignments of removed members are kept and
   * reported as orphaned.
   */
  removeWorkspaceMembers(workspaceIdOrSlug: string, userIds: readonly string[]): RemovalResult {
    const workspace = this.requireWorkspace(workspaceIdOrSlug);
    this.refuseDefaultWorkspace(workspace, 'removed from');
    const requested = unique(userIds);
    const members = this.explicitMembers(workspace);
    const holders = this.activeKeyHolders.get(workspace.id);
    const staying = new Set<string>(this.skipRemovalOf);
    for (const userId of requested) {
      const member = this.requireOrgMember(userId);
      if (!members.has(userId)) continue;
      const refusal = holders?.has(userId)
        ? { message: `${this.describeUser(userId)} has active API keys in this workspace`, reason: 'active_api_keys' }
        : member.scimManaged
          ? { message: `${this.describeUser(userId)} is managed by SCIM; remove them in the identity provider`, reason: 'scim_managed' }
          : undefined;
      if (refusal === undefined) continue;
      if (this.refusal.scope === 'batch') throw this.removalRefusal(userId, refusal.message, refusal.reason);
      staying.add(userId);
    }
    const result: RemovalResult = { removed: [], orphaned: [] };
    const heldGuardrails = this.guardrailOfMember.get(workspace.id);
    for (const userId of requested) {
      if (staying.has(userId) || !members.delete(userId)) continue;
      result.removed.push(userId);
      const guardrailId = heldGuardrails?.get(userId);
      const guardrail = guardrailId === undefined ? undefined : this.guardrailsById.get(guardrailId);
      if (guardrail !== undefined) result.orphaned.push({ userId, workspace, guardrail });
    }
    if (result.removed.length > 0) this.sortedMemberships.delete(workspace.id);
    return result;
  }

  private removalRefusal(userId: string, message: string, reason: string): SimulatorError {
    const { status, naming } = this.refusal;
    if (naming === 'none') {
      return new SimulatorError(status, 'A member of this batch cannot be removed from the workspace: they hold active API keys here or are managed by SCIM');
    }
    return new SimulatorError(status, message, { userId: naming === 'metadata' ? userId : null, metadata: { reason } });
  }

  /**
   * Assigns members to a guardrail, moving those who hold another guardrail
   * of the same workspace. Refused as a whole for legacy and default
   * guardrails, non-organization users and (outside the default workspace)
   * users who are not workspace members.
   */
  assignMembers(guardrailId: string, userIds: readonly string[], assignedBy: string | null = null): AssignResult {
    const guardrail = this.requireGuardrail(guardrailId);
    const workspace = this.requireAssignable(guardrail);
    const requested = unique(userIds);
    for (const userId of requested) {
      this.requireOrgMember(userId);
      if (!workspace.isDefault && !this.explicitMembers(workspace).has(userId)) {
        throw badRequest(
          `${this.describeUser(userId)} is not a member of workspace ${workspace.slug}; add them to the workspace first`,
          userId,
          { reason: 'not_workspace_member' },
        );
      }
    }
    const result: AssignResult = { assigned: 0, moved: [] };
    const held = this.guardrailOfMember.get(workspace.id) as Map<string, string>;
    const createdAt = this.now();
    for (const userId of requested) {
      const currentId = held.get(userId);
      if (currentId === guardrail.id) continue;
      if (currentId !== undefined) {
        const current = this.guardrailsById.get(currentId) as GuardrailRecord;
        this.deleteAssignment(current, userId);
        result.moved.push({ userId, from: current });
      }
      this.insertAssignment(guardrail, userId, assignedBy, createdAt);
      result.assigned += 1;
    }
    return result;
  }

  /** Unassigns members; members not on the guardrail are ignored, non-organization users refused. */
  unassignMembers(guardrailId: string, userIds: readonly string[]): number {
    const guardrail = this.requireGuardrail(guardrailId);
    const requested = unique(userIds);
    for (const userId of requested) this.requireOrgMember(userId);
    let unassigned = 0;
    for (const userId of requested) {
      if (this.deleteAssignment(guardrail, userId)) unassigned += 1;
    }
    return unassigned;
  }

  /** Assigns keys; a key holds one guardrail, so an assigned key is moved here. */
  assignKeys(guardrailId: string, keyHashes: readonly string[], assignedBy: string | null = null): number {
    const guardrail = this.requireGuardrail(guardrailId);
    const requested = unique(keyHashes);
    for (const hash of requested) {
      const key = this.requireKey(hash);
      if (guardrail.workspaceId !== null && key.workspaceId !== guardrail.workspaceId) {
        throw badRequest(`API key ${key.name} (${hash}) belongs to another workspace than guardrail ${guardrail.name}`, null, {
          reason: 'key_in_other_workspace',
          key_hash: hash,
        });
      }
    }
    let assigned = 0;
    const createdAt = this.now();
    for (const hash of requested) {
      if (this.keyAssignments.get(hash)?.guardrailId === guardrail.id) continue;
      this.insertKeyAssignment(hash, guardrail.id, assignedBy, createdAt);
      assigned += 1;
    }
    return assigned;
  }

  unassignKeys(guardrailId: string, keyHashes: readonly string[]): number {
    const guardrail = this.requireGuardrail(guardrailId);
    const requested = unique(keyHashes);
    for (const hash of requested) this.requireKey(hash);
    let unassigned = 0;
    for (const hash of requested) {
      if (this.keyAssignments.get(hash)?.guardrailId !== guardrail.id) continue;
      this.deleteKeyAssignment(hash);
      unassigned += 1;
    }
    return unassigned;
  }

  // ── single-change helpers (the dashboard's) ──────────────────────────────

  /** Returns whether the member was added (false: already there). */
  addWorkspaceMember(workspaceIdOrSlug: string, userId: string): boolean {
    return this.addWorkspaceMembers(workspaceIdOrSlug, [userId]).length === 1;
  }

  /** Returns whether the member was removed; their assignments there are kept, as the API does. */
  removeWorkspaceMember(workspaceIdOrSlug: string, userId: string): boolean {
    return this.removeWorkspaceMembers(workspaceIdOrSlug, [userId]).removed.length === 1;
  }

  assign(guardrailId: string, userId: string): boolean {
    return this.assignMembers(guardrailId, [userId]).assigned === 1;
  }

  unassign(guardrailId: string, userId: string): boolean {
    return this.unassignMembers(guardrailId, [userId]) === 1;
  }

  setScimManaged(userId: string, scimManaged: boolean): void {
    this.requireOrgMember(userId).scimManaged = scimManaged;
  }

  setActiveApiKeys(workspaceIdOrSlug: string, userId: string, active: boolean): void {
    const workspace = this.requireWorkspace(workspaceIdOrSlug);
    this.requireOrgMember(userId);
    const holders = this.activeKeyHolders.get(workspace.id) as Set<string>;
    if (active) holders.add(userId);
    else holders.delete(userId);
  }

  /** A person joins the organization (they are then in the default workspace only). */
  addOrgMember(member: StateMember): OrgMemberRecord {
    if (this.orgMembers.has(member.id)) throw new Error(`${member.id} is already an organization member`);
    const email = member.email.toLowerCase();
    for (const existing of this.orgMembers.values()) {
      if (existing.email.toLowerCase() === email) throw new Error(`${member.email} is already the email of ${existing.id}`);
    }
    return this.insertOrgMember({ ...member, created_at: member.created_at ?? this.now() });
  }

  /** A person leaves the organization: their memberships and assignments go with them. */
  removeOrgMember(userId: string): void {
    this.requireOrgMember(userId);
    for (const [workspaceId, members] of this.memberships) {
      if (members.delete(userId)) this.sortedMemberships.delete(workspaceId);
    }
    for (const [workspaceId, held] of this.guardrailOfMember) {
      const guardrailId = held.get(userId);
      if (guardrailId !== undefined) this.deleteAssignment(this.guardrailsById.get(guardrailId) as GuardrailRecord, userId);
      this.activeKeyHolders.get(workspaceId)?.delete(userId);
    }
    this.orgMembers.delete(userId);
    this.sortedOrgMembers = undefined;
    this.defaultMemberships = undefined;
  }

  /** What a reconciler changes, in a form tests can compare with `toEqual`. */
  snapshot(): StateSnapshot {
    const workspaceMembers: Record<string, string[]> = {};
    for (const [workspaceId, members] of this.memberships) workspaceMembers[workspaceId] = [...members.keys()].sort();
    const assignments: Record<string, string[]> = {};
    for (const [guardrailId, byUser] of this.assignments) assignments[guardrailId] = [...byUser.keys()].sort();
    return { workspaceMembers, assignments };
  }

  /** The current organization as a state file (loadable again by `parseState`, except for orphaned assignments). */
  toState(): SimulatorState {
    const keysByWorkspace = new Map<string, ApiKeyRecord[]>();
    for (const key of this.keys.values()) {
      const list = keysByWorkspace.get(key.workspaceId) ?? [];
      list.push(key);
      keysByWorkspace.set(key.workspaceId, list);
    }
    return {
      organization_id: this.organizationId,
      created_at: this.stateCreatedAt,
      members: this.listOrgMembers().map((member) => ({
        id: member.id,
        email: member.email,
        first_name: member.firstName,
        last_name: member.lastName,
        role: member.role,
        ...(member.scimManaged ? { scim_managed: true } : {}),
        created_at: member.createdAt,
      })),
      workspaces: this.sortedWorkspaces.map((workspace) => ({
        ...workspaceFields(workspace),
        is_default: workspace.isDefault,
        members: workspace.isDefault ? [] : this.listWorkspaceMembers(workspace.id).map((membership) => membership.userId),
        active_key_holders: [...(this.activeKeyHolders.get(workspace.id) ?? [])],
        keys: (keysByWorkspace.get(workspace.id) ?? []).map((key) => ({
          hash: key.hash,
          name: key.name,
          label: key.label,
          guardrail_id: this.keyAssignments.get(key.hash)?.guardrailId ?? null,
        })),
      })),
      guardrails: this.sortedGuardrails.map((guardrail) => ({
        id: guardrail.id,
        name: guardrail.name,
        description: guardrail.description,
        workspace_id: guardrail.workspaceId,
        limit_usd: guardrail.limitUsd,
        reset_interval: guardrail.resetInterval,
        allowed_models: guardrail.allowedModels,
        allowed_providers: guardrail.allowedProviders,
        created_at: guardrail.createdAt,
        updated_at: guardrail.updatedAt,
        members: this.listAssignments(guardrail.id).map((assignment) => assignment.userId),
      })),
      ...(this.scimMappings && {
        scim_group_mappings: this.scimMappings.map((mapping) => ({
          id: mapping.id,
          scim_group_id: mapping.scimGroupId,
          workspace_id: mapping.workspaceId,
          role: mapping.role,
          created_at: mapping.createdAt,
        })),
      }),
      scim_unavailable_status: this.scimUnavailableStatus,
    };
  }

  // ── internals ───────────────────────────────────────────────────────────

  private scimMappingRecord(mapping: StateScimMapping): ScimMappingRecord {
    return {
      id: mapping.id,
      scimGroupId: mapping.scim_group_id,
      workspaceId: mapping.workspace_id,
      role: mapping.role,
      createdAt: iso(mapping.created_at, this.stateCreatedAt),
    };
  }

  private insertOrgMember(member: StateMember): OrgMemberRecord {
    const record: OrgMemberRecord = {
      id: member.id,
      email: member.email,
      firstName: member.first_name,
      lastName: member.last_name,
      role: member.role,
      scimManaged: member.scim_managed ?? false,
      createdAt: iso(member.created_at, this.stateCreatedAt),
      defaultMembershipId: this.defaultMembershipIds.next(),
    };
    this.orgMembers.set(record.id, record);
    this.sortedOrgMembers = undefined;
    this.defaultMemberships = undefined;
    return record;
  }

  private newMembership(workspace: WorkspaceRecord, userId: string, createdAt: string): MembershipRecord {
    const member = this.requireOrgMember(userId);
    return { id: this.membershipIds.next(), userId, workspaceId: workspace.id, role: workspaceRole(member.role), createdAt };
  }

  private explicitMembers(workspace: WorkspaceRecord): Map<string, MembershipRecord> {
    return this.memberships.get(workspace.id) as Map<string, MembershipRecord>;
  }

  private assignmentsOf(guardrail: GuardrailRecord): Map<string, AssignmentRecord> {
    return this.assignments.get(guardrail.id) as Map<string, AssignmentRecord>;
  }

  private refuseDefaultWorkspace(workspace: WorkspaceRecord, verb: string): void {
    if (!workspace.isDefault) return;
    throw badRequest(
      `Members cannot be ${verb} the default workspace: its membership is implicit (every organization member)`,
      null,
      { reason: 'default_workspace' },
    );
  }

  private requireOrgMember(userId: string): OrgMemberRecord {
    const member = this.orgMembers.get(userId);
    if (member === undefined) {
      throw badRequest(`${userId} is not a member of this organization`, userId, { reason: 'not_organization_member' });
    }
    return member;
  }

  private requireKey(hash: string): ApiKeyRecord {
    const key = this.keys.get(hash);
    if (key === undefined) throw badRequest(`Unknown API key hash ${hash}`, null, { reason: 'unknown_key', key_hash: hash });
    return key;
  }

  /** The guardrail's workspace, or 400 when members cannot be assigned to it. */
  private requireAssignable(guardrail: GuardrailRecord): WorkspaceRecord {
    if (guardrail.workspaceId === null) {
      throw badRequest(`Guardrail ${guardrail.name} has no workspace (legacy guardrail) and cannot be assigned to members`, null, {
        reason: 'legacy_guardrail',
      });
    }
    const workspace = this.workspacesById.get(guardrail.workspaceId) as WorkspaceRecord;
    if (workspace.defaultGuardrailId === guardrail.id) {
      throw badRequest(
        `Guardrail ${guardrail.name} is the default guardrail of workspace ${workspace.slug}: it applies to every member without a direct assignment and cannot be assigned`,
        null,
        { reason: 'default_guardrail' },
      );
    }
    return workspace;
  }

  private insertAssignment(guardrail: GuardrailRecord, userId: string, assignedBy: string | null, createdAt: string): void {
    const workspaceId = guardrail.workspaceId as string;
    this.assignmentsOf(guardrail).set(userId, { id: this.assignmentIds.next(), userId, guardrailId: guardrail.id, assignedBy, createdAt });
    this.guardrailOfMember.get(workspaceId)?.set(userId, guardrail.id);
    this.sortedAssignments.delete(guardrail.id);
    this.sortedAllAssignments = undefined;
  }

  private deleteAssignment(guardrail: GuardrailRecord, userId: string): boolean {
    if (!this.assignmentsOf(guardrail).delete(userId)) return false;
    if (guardrail.workspaceId !== null) this.guardrailOfMember.get(guardrail.workspaceId)?.delete(userId);
    this.sortedAssignments.delete(guardrail.id);
    this.sortedAllAssignments = undefined;
    return true;
  }

  private insertKeyAssignment(hash: string, guardrailId: string, assignedBy: string | null, createdAt: string): void {
    this.deleteKeyAssignment(hash);
    const assignment: KeyAssignmentRecord = { id: this.keyAssignmentIds.next(), keyHash: hash, guardrailId, assignedBy, createdAt };
    this.keyAssignments.set(hash, assignment);
    this.keyAssignmentsByGuardrail.get(guardrailId)?.set(hash, assignment);
    this.sortedKeyAssignments.delete(guardrailId);
    this.sortedAllKeyAssignments = undefined;
  }

  private deleteKeyAssignment(hash: string): void {
    const existing = this.keyAssignments.get(hash);
    if (existing === undefined) return;
    this.keyAssignments.delete(hash);
    this.keyAssignmentsByGuardrail.get(existing.guardrailId)?.delete(hash);
    this.sortedKeyAssignments.delete(existing.guardrailId);
    this.sortedAllKeyAssignments = undefined;
  }
}

