/**
 * The live organization behind the simulator and the in-memory provider:
 * every rule of api.md that concerns state lives behind this class, so the
 * HTTP layer only parses and serializes. It composes one part per concern —
 * `Organization` (members), `Workspaces` (membership), `Guardrails` (member
 * assignments), `Keys` (keys and key assignments), with the refusals in
 * `refusals.ts` — and itself holds only what spans several of them
 * (removals, a member leaving, snapshots).
 *
 * Invariants:
 * - every bulk write validates the whole batch before changing anything, so a
 *   refused batch leaves the state untouched;
 * - lookups are O(1) (Maps keyed by id); list answers come from sorted arrays
 *   cached per collection and rebuilt at most once per mutation, never per
 *   page, so paging through 50,000 memberships stays linear.
 *
 * Tests may call the helpers (`addWorkspaceMember`, `assign`, …) to play the
 * part of someone editing the organization in the dashboard; they obey the
 * same rules as the API and throw `SimulatorError` when the API would refuse.
 */
import { iso, sortedByCreation } from './chronology.js';
import { Guardrails } from './guardrails.js';
import { unique } from './ids.js';
import { Keys } from './keys.js';
import { Organization } from './organization.js';
import type {
  ApiKeyRecord,
  AssignResult,
  AssignmentRecord,
  GuardrailRecord,
  KeyAssignmentRecord,
  MembershipRecord,
  OrgMemberRecord,
  OrphanedAssignment,
  RemovalResult,
  ScimMappingRecord,
  StateSnapshot,
  WorkspaceRecord,
} from './records.js';
import { refuseDefaultWorkspace, removalObstacle, removalRefusal, resolveRefusalMode, type RefusalMode } from './refusals.js';
import { DEFAULT_STATE_TIMESTAMP, parseState } from './state.js';
import type { SimulatorState, StateMember } from './state.js';
import { workspaceFields } from './wire.js';
import { Workspaces } from './workspaces.js';

export interface StoreOptions {
  /** Clock for `created_at` of new records; ISO 8601. */
  now?: () => string;
  refusal?: RefusalMode;
  /** Users whose removals are skipped without a word: the call answers 200, does not count them, and they stay members. */
  skipRemovalOf?: readonly string[];
}

export class SimulatorStore {
  readonly organizationId: string;
  /** `undefined`: not an Enterprise organization, so SCIM answers `scimUnavailableStatus`. */
  readonly scimMappings: readonly ScimMappingRecord[] | undefined;
  readonly scimUnavailableStatus: 403 | 404;
  private readonly now: () => string;
  private readonly stateCreatedAt: string;
  private readonly refusal: Required<RefusalMode>;
  private readonly skipRemovalOf: ReadonlySet<string>;
  private readonly organization: Organization;
  private readonly workspaces: Workspaces;
  private readonly guardrails: Guardrails;
  private readonly keys: Keys;

  /** Builds a store from a state (validated again here; the state is copied, never kept). */
  constructor(state: SimulatorState, options: StoreOptions = {}) {
    parseState(state);
    this.now = options.now ?? (() => new Date().toISOString());
    this.refusal = resolveRefusalMode(options.refusal);
    this.skipRemovalOf = new Set(options.skipRemovalOf);
    this.organizationId = state.organization_id;
    this.stateCreatedAt = iso(state.created_at, DEFAULT_STATE_TIMESTAMP);
    this.organization = new Organization(state.members, this.stateCreatedAt);
    this.workspaces = new Workspaces(state.workspaces, this.organization, this.now, this.stateCreatedAt);
    this.guardrails = new Guardrails(state.guardrails, this.workspaces, this.organization, this.now, this.stateCreatedAt);
    this.keys = new Keys(state.workspaces, this.workspaces, this.now);
    this.scimMappings =
      state.scim_group_mappings &&
      sortedByCreation(
        state.scim_group_mappings.map((mapping) => ({
          id: mapping.id,
          scimGroupId: mapping.scim_group_id,
          workspaceId: mapping.workspace_id,
          role: mapping.role,
          createdAt: iso(mapping.created_at, this.stateCreatedAt),
        })),
      );
    this.scimUnavailableStatus = state.scim_unavailable_status ?? 403;
  }

  // ── reading ────────────────────────────────────────────────────────────

  listOrgMembers(): readonly OrgMemberRecord[] {
    return this.organization.list();
  }

  getOrgMember(userId: string): OrgMemberRecord | undefined {
    return this.organization.get(userId);
  }

  listWorkspaces(): readonly WorkspaceRecord[] {
    return this.workspaces.list();
  }

  /** By UUID or slug. */
  findWorkspace(idOrSlug: string): WorkspaceRecord | undefined {
    return this.workspaces.find(idOrSlug);
  }

  /** By UUID or slug; 404 when unknown. */
  requireWorkspace(idOrSlug: string): WorkspaceRecord {
    return this.workspaces.require(idOrSlug);
  }

  /** The default workspace lists every organization member, with the role they hold there. */
  listWorkspaceMembers(workspaceIdOrSlug: string): readonly MembershipRecord[] {
    return this.workspaces.listMembers(this.workspaces.require(workspaceIdOrSlug));
  }

  isWorkspaceMember(workspaceIdOrSlug: string, userId: string): boolean {
    return this.workspaces.isMember(this.workspaces.require(workspaceIdOrSlug), userId);
  }

  /** The organization's default workspace, whatever its slug; `undefined` when it has none. */
  defaultWorkspace(): WorkspaceRecord | undefined {
    return this.workspaces.defaultWorkspace();
  }

  /**
   * The guardrails of one workspace (by UUID or slug), or without one those
   * of the default workspace only, as `GET /guardrails` answers: none when
   * the organization has no default workspace.
   */
  listGuardrails(workspaceIdOrSlug?: string): readonly GuardrailRecord[] {
    const workspace = this.workspaceOrDefault(workspaceIdOrSlug);
    return workspace === undefined ? [] : this.guardrails.listOf(workspace);
  }

  /** The API keys of one workspace (ordered by hash), or without one those of the default workspace only, as `GET /keys` answers. */
  listKeys(workspaceIdOrSlug?: string): readonly ApiKeyRecord[] {
    const workspace = this.workspaceOrDefault(workspaceIdOrSlug);
    return workspace === undefined ? [] : this.keys.listOf(workspace);
  }

  findGuardrail(guardrailId: string): GuardrailRecord | undefined {
    return this.guardrails.find(guardrailId);
  }

  /** 400 when the id is not a UUID, 404 when no guardrail has it. */
  requireGuardrail(guardrailId: string): GuardrailRecord {
    return this.guardrails.require(guardrailId);
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
    return this.guardrails.listAssignments(this.guardrails.require(guardrailId));
  }

  listAllAssignments(): readonly AssignmentRecord[] {
    return this.guardrails.listAllAssignments();
  }

  /** The guardrail a member directly holds in a workspace, if any. */
  guardrailOf(workspaceIdOrSlug: string, userId: string): GuardrailRecord | undefined {
    return this.guardrails.heldBy(this.workspaces.require(workspaceIdOrSlug).id, userId);
  }

  getApiKey(hash: string): ApiKeyRecord | undefined {
    return this.keys.get(hash);
  }

  listKeyAssignments(guardrailId: string): readonly KeyAssignmentRecord[] {
    return this.keys.listAssignments(this.guardrails.require(guardrailId));
  }

  listAllKeyAssignments(): readonly KeyAssignmentRecord[] {
    return this.keys.listAllAssignments();
  }

  /** Whether the API refuses to remove the member from the workspace for their active keys. */
  hasActiveApiKeys(workspaceIdOrSlug: string, userId: string): boolean {
    return this.keys.holdsActiveKeys(this.workspaces.require(workspaceIdOrSlug), userId);
  }

  /** "user_x (alice@corp.example)": how refusals name a user. */
  describeUser(userId: string): string {
    return this.organization.describe(userId);
  }

  /** The ordering violation a removal that left an assignment behind stands for, in words. */
  describeOrphan(orphan: OrphanedAssignment): string {
    return `removed ${this.describeUser(orphan.userId)} from workspace ${orphan.workspace.slug} while assigned to guardrail ${orphan.guardrail.name}`;
  }

  // ── bulk writes (the API's) ──────────────────────────────────────────────

  /** Adds organization members with their organization role; returns the memberships created. */
  addWorkspaceMembers(workspaceIdOrSlug: string, userIds: readonly string[]): MembershipRecord[] {
    return this.workspaces.addMembers(this.workspaces.require(workspaceIdOrSlug), userIds);
  }

  /**
   * Removes members; non-members are ignored. A member who holds active API
   * keys here or is SCIM-managed is refused as the `RefusalMode` says: with
   * the whole batch, or alone. Assignments of removed members are kept and
   * reported as orphaned.
   */
  removeWorkspaceMembers(workspaceIdOrSlug: string, userIds: readonly string[]): RemovalResult {
    const workspace = this.workspaces.require(workspaceIdOrSlug);
    refuseDefaultWorkspace(workspace, 'removed from');
    const requested = unique(userIds);
    const staying = new Set<string>(this.skipRemovalOf);
    for (const userId of requested) {
      const member = this.organization.require(userId);
      if (!this.workspaces.isMember(workspace, userId)) continue;
      const obstacle = removalObstacle(member, this.describeUser(userId), this.keys.holdsActiveKeys(workspace, userId));
      if (obstacle === undefined) continue;
      if (this.refusal.scope === 'batch') throw removalRefusal(this.refusal, userId, obstacle);
      staying.add(userId);
    }
    const removed = this.workspaces.deleteMembers(
      workspace,
      requested.filter((userId) => !staying.has(userId)),
    );
    const orphaned = removed.flatMap((userId) => {
      const guardrail = this.guardrails.heldBy(workspace.id, userId);
      return guardrail === undefined ? [] : [{ userId, workspace, guardrail }];
    });
    return { removed, orphaned };
  }

  assignMembers(guardrailId: string, userIds: readonly string[], assignedBy: string | null = null): AssignResult {
    return this.guardrails.assignMembers(this.guardrails.require(guardrailId), userIds, assignedBy);
  }

  /** Unassigns members; members not on the guardrail are ignored, non-organization users refused. */
  unassignMembers(guardrailId: string, userIds: readonly string[]): number {
    return this.guardrails.unassignMembers(this.guardrails.require(guardrailId), userIds);
  }

  /** Assigns keys, moving those on another guardrail; unknown hashes are skipped. Returns how many changed. */
  assignKeys(guardrailId: string, keyHashes: readonly string[], assignedBy: string | null = null): number {
    return this.keys.assign(this.guardrails.require(guardrailId), keyHashes, assignedBy);
  }

  /** Unassigns keys; those unknown or not on the guardrail count 0. */
  unassignKeys(guardrailId: string, keyHashes: readonly string[]): number {
    return this.keys.unassign(this.guardrails.require(guardrailId), keyHashes);
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
    this.organization.require(userId).scimManaged = scimManaged;
  }

  setActiveApiKeys(workspaceIdOrSlug: string, userId: string, active: boolean): void {
    const workspace = this.workspaces.require(workspaceIdOrSlug);
    this.organization.require(userId);
    this.keys.setHolder(workspace, userId, active);
  }

  /** A person joins the organization (they are then in the default workspace only). */
  addOrgMember(member: StateMember): OrgMemberRecord {
    return this.organization.join({ ...member, created_at: member.created_at ?? this.now() });
  }

  /** A person leaves the organization: their memberships and assignments go with them. */
  removeOrgMember(userId: string): void {
    this.organization.require(userId);
    this.workspaces.dropUser(userId);
    this.guardrails.dropUser(userId);
    this.keys.dropUser(userId);
    this.organization.leave(userId);
  }

  /** What a reconciler changes, in a form tests can compare with `toEqual`. */
  snapshot(): StateSnapshot {
    return { workspaceMembers: this.workspaces.snapshot(), assignments: this.guardrails.snapshot() };
  }

  /** The current organization as a state file (loadable again by `parseState`, except for orphaned assignments). */
  toState(): SimulatorState {
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
      workspaces: this.listWorkspaces().map((workspace) => ({
        ...workspaceFields(workspace),
        is_default: workspace.isDefault,
        members: workspace.isDefault ? [] : this.listWorkspaceMembers(workspace.id).map((membership) => membership.userId),
        active_key_holders: this.keys.markedHolders(workspace),
        keys: this.keys.listOf(workspace).map((key) => ({
          hash: key.hash,
          name: key.name,
          label: key.label,
          guardrail_id: this.keys.guardrailOf(key.hash) ?? null,
          disabled: key.disabled,
          creator_user_id: key.creatorUserId,
          created_at: key.createdAt,
        })),
      })),
      guardrails: this.guardrails.list().map((guardrail) => ({
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
        members: this.guardrails.listAssignments(guardrail).map((assignment) => assignment.userId),
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

  private workspaceOrDefault(workspaceIdOrSlug: string | undefined): WorkspaceRecord | undefined {
    return workspaceIdOrSlug === undefined ? this.workspaces.defaultWorkspace() : this.workspaces.require(workspaceIdOrSlug);
  }
}
