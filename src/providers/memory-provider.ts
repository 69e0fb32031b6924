import { errorBody, isUuid, SimulatorError, SimulatorStore } from '../simulator/index.js';
import type { GuardrailRecord, OrgRole, SimulatorState, StateSnapshot, WorkspaceRecord } from '../simulator/index.js';
import { apiErrorFromBody } from './api-error.js';
import { pageCount, PAGE_SIZE } from './paginate.js';
import type {
  AssignmentInfo,
  DefaultWorkspaceListing,
  GuardrailInfo,
  KeyAssignmentInfo,
  OrgMember,
  ScimMappings,
  WorkspaceInfo,
} from '../model/org.js';
import type { FirstPage, Provider, WriteResult } from './provider.js';

/** An API key of a `MemoryOrg`, as `GET /keys?workspace_id=…&include_disabled=true` lists it. */
export interface MemoryKey {
  hash: string;
  name: string;
  label: string;
  disabled: boolean;
  workspaceId: string;
  /** The member who created it; while it is enabled they cannot be removed from its workspace. */
  creatorUserId: string | null;
}

/** A compact organization for unit tests; ids need not be UUIDs. */
export interface MemoryOrg {
  members: OrgMember[];
  workspaces: Array<WorkspaceInfo & { members?: string[] }>;
  guardrails: Array<GuardrailInfo & { members?: string[] }>;
  /** Users the organization refuses to remove from a workspace (active keys), by workspace id; they must be its members. */
  unremovable?: Record<string, string[]>;
  /** The default workspace, whatever its slug; when unset, the one with the slug `default`, if any. */
  defaultWorkspaceId?: string | null;
  /** Workspace ids with SCIM group mappings; unset: not an Enterprise organization. */
  scimMappedWorkspaceIds?: string[];
  keys?: Array<Omit<MemoryKey, 'disabled' | 'creatorUserId'> & Partial<MemoryKey> & { guardrailId?: string | null }>;
  /** Key assignments, for keys that do not carry their `guardrailId`. */
  keyAssignments?: KeyAssignmentInfo[];
}

type MemberWrite = 'addWorkspaceMembers' | 'removeWorkspaceMembers' | 'assignGuardrailMembers' | 'unassignGuardrailMembers';
type KeyWrite = 'assignGuardrailKeys' | 'unassignGuardrailKeys';

/** Every write a `MemoryProvider` was asked to make, in order. A key write carries `keyHashes` and no user ids. */
export interface MemoryCall {
  method: MemberWrite | KeyWrite;
  target: string;
  userIds: string[];
  keyHashes?: string[];
}

/**
 * An organization held in process, for unit tests: a `Provider` over a
 * `SimulatorStore`, so it obeys the very rules the simulator serves over
 * HTTP — refusals (answered as the `ApiError` the HTTP provider would
 * throw), moves on assign, counts, the default workspace's implicit
 * membership — and records every write it is asked to make.
 *
 * Built from a `MemoryOrg`, ids that are not UUIDs stand for UUIDs inside
 * the store (the API's ids are UUIDs); callers see only their own ids.
 */
export class MemoryProvider implements Provider {
  readonly calls: MemoryCall[] = [];
  /** Removals of members who still held a guardrail of the workspace: a correct client unassigns first. */
  readonly violations: string[] = [];
  readonly store: SimulatorStore;
  private readonly aliases: IdAliases;

  constructor(source: MemoryOrg | SimulatorStore) {
    if (source instanceof SimulatorStore) {
      this.store = source;
      this.aliases = new IdAliases([]);
    } else {
      this.aliases = new IdAliases([
        ...source.workspaces.flatMap((workspace) => [workspace.id, workspace.defaultGuardrailId ?? '']),
        ...source.guardrails.map((guardrail) => guardrail.id),
      ]);
      this.store = new SimulatorStore(stateOf(source, this.aliases));
    }
  }

  /** Live state: sorted members of every non-default workspace and of every guardrail. */
  snapshot(): StateSnapshot {
    const { workspaceMembers, assignments } = this.store.snapshot();
    const outward = (byId: Record<string, string[]>) => Object.fromEntries(Object.entries(byId).map(([id, userIds]) => [this.aliases.outward(id), userIds]));
    return { workspaceMembers: outward(workspaceMembers), assignments: outward(assignments) };
  }

  async listOrgMembers(): Promise<OrgMember[]> {
    return this.store.listOrgMembers().map((member) => ({
      userId: member.id,
      email: member.email,
      firstName: member.firstName,
      lastName: member.lastName,
      role: member.role,
    }));
  }

  async listWorkspaces(): Promise<WorkspaceInfo[]> {
    return this.store.listWorkspaces().map((workspace) => this.workspaceInfo(workspace));
  }

  async firstPageOfWorkspaces(): Promise<FirstPage<WorkspaceInfo>> {
    return wholeListing(await this.listWorkspaces());
  }

  async getWorkspace(idOrSlug: string): Promise<WorkspaceInfo | undefined> {
    const workspace = this.store.findWorkspace(this.aliases.inward(idOrSlug));
    return workspace && this.workspaceInfo(workspace);
  }

  async listWorkspaceMembers(workspaceId: string): Promise<string[]> {
    const members = this.read(`/workspaces/${workspaceId}/members`, () => this.store.listWorkspaceMembers(this.aliases.inward(workspaceId)));
    return members.map((membership) => membership.userId);
  }

  async firstPageOfWorkspaceMembers(workspaceId: string): Promise<FirstPage<string>> {
    return wholeListing(await this.listWorkspaceMembers(workspaceId));
  }

  async listGuardrails(workspaceId: string): Promise<GuardrailInfo[]> {
    const guardrails = this.read('/guardrails', () => this.store.listGuardrails(this.aliases.inward(workspaceId)));
    return guardrails.map((guardrail) => this.guardrailInfo(guardrail));
  }

  async getGuardrail(guardrailId: string): Promise<GuardrailInfo | undefined> {
    const guardrail = this.store.findGuardrail(this.aliases.inward(guardrailId));
    return guardrail && this.guardrailInfo(guardrail);
  }

  async listGuardrailMembers(guardrailId: string): Promise<string[]> {
    const path = `/guardrails/${guardrailId}/assignments/members`;
    return this.read(path, () => this.store.listAssignments(this.aliases.inward(guardrailId))).map((assignment) => assignment.userId);
  }

  /** Counts pages as the API pages (100 items), so that decisions made from `pages` are the ones made over HTTP. */
  async firstPageOfAllAssignments(): Promise<FirstPage<AssignmentInfo>> {
    const rows = this.store.listAllAssignments().map((assignment) => ({ userId: assignment.userId, guardrailId: this.aliases.outward(assignment.guardrailId) }));
    return wholeListing(rows);
  }

  /** The first page as `GET /guardrails` or `GET /keys` answers it without a workspace: the default workspace's rows. */
  async defaultWorkspaceEvidence(listing: DefaultWorkspaceListing): Promise<string[]> {
    const rows = listing === 'guardrails' ? this.store.listGuardrails() : this.store.listKeys().filter((key) => !key.disabled);
    return rows.slice(0, PAGE_SIZE).flatMap((row) => (row.workspaceId === null ? [] : [this.aliases.outward(row.workspaceId)]));
  }

  /** One page of mappings, as the HTTP provider reads them. */
  async scimMappings(): Promise<ScimMappings | undefined> {
    const mappings = this.store.scimMappings;
    if (mappings === undefined) return undefined;
    const page = mappings.slice(0, PAGE_SIZE);
    return { workspaceIds: new Set(page.map((mapping) => this.aliases.outward(mapping.workspaceId))), complete: page.length === mappings.length };
  }

  async listKeyAssignments(guardrailId?: string): Promise<KeyAssignmentInfo[]> {
    const rows =
      guardrailId === undefined
        ? this.store.listAllKeyAssignments()
        : this.read(`/guardrails/${guardrailId}/assignments/keys`, () => this.store.listKeyAssignments(this.aliases.inward(guardrailId)));
    return rows.map((row) => ({ keyHash: row.keyHash, guardrailId: this.aliases.outward(row.guardrailId) }));
  }

  async firstPageOfAllKeyAssignments(): Promise<FirstPage<KeyAssignmentInfo>> {
    return wholeListing(await this.listKeyAssignments());
  }

  /** Key hash → guardrail id of every assigned key, sorted by hash. */
  keySnapshot(): Record<string, string> {
    const rows = this.store.listAllKeyAssignments().map((row) => [row.keyHash, this.aliases.outward(row.guardrailId)] as const);
    return Object.fromEntries(rows.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  /** Every key of the workspace, disabled ones included. */
  async listKeys(workspaceId: string): Promise<MemoryKey[]> {
    const keys = this.read('/keys', () => this.store.listKeys(this.aliases.inward(workspaceId)));
    return keys.map((key) => ({
      hash: key.hash,
      name: key.name,
      label: key.label,
      disabled: key.disabled,
      workspaceId: this.aliases.outward(key.workspaceId),
      creatorUserId: key.creatorUserId,
    }));
  }

  async addWorkspaceMembers(workspaceId: string, userIds: string[]): Promise<WriteResult> {
    this.calls.push({ method: 'addWorkspaceMembers', target: workspaceId, userIds: [...userIds] });
    const path = `/workspaces/${workspaceId}/members/add`;
    return this.write(path, () => this.store.addWorkspaceMembers(this.aliases.inward(workspaceId), userIds).length);
  }

  async removeWorkspaceMembers(workspaceId: string, userIds: string[]): Promise<WriteResult> {
    this.calls.push({ method: 'removeWorkspaceMembers', target: workspaceId, userIds: [...userIds] });
    return this.write(`/workspaces/${workspaceId}/members/remove`, () => {
      const result = this.store.removeWorkspaceMembers(this.aliases.inward(workspaceId), userIds);
      for (const orphan of result.orphaned) this.violations.push(this.store.describeOrphan(orphan));
      return result.removed.length;
    });
  }

  async assignGuardrailMembers(guardrailId: string, userIds: string[]): Promise<WriteResult> {
    this.calls.push({ method: 'assignGuardrailMembers', target: guardrailId, userIds: [...userIds] });
    const path = `/guardrails/${guardrailId}/assignments/members`;
    return this.write(path, () => this.store.assignMembers(this.aliases.inward(guardrailId), userIds).assigned);
  }

  async unassignGuardrailMembers(guardrailId: string, userIds: string[]): Promise<WriteResult> {
    this.calls.push({ method: 'unassignGuardrailMembers', target: guardrailId, userIds: [...userIds] });
    const path = `/guardrails/${guardrailId}/assignments/members/remove`;
    return this.write(path, () => this.store.unassignMembers(this.aliases.inward(guardrailId), userIds));
  }

  /** Assigns keys, moving those on another guardrail; unknown hashes are skipped and not counted. */
  async assignGuardrailKeys(guardrailId: string, keyHashes: string[]): Promise<WriteResult> {
    this.calls.push({ method: 'assignGuardrailKeys', target: guardrailId, userIds: [], keyHashes: [...keyHashes] });
    const path = `/guardrails/${guardrailId}/assignments/keys`;
    return this.write(path, () => this.store.assignKeys(this.aliases.inward(guardrailId), keyHashes));
  }

  /** Unassigns keys; keys gone or not on the guardrail count 0. */
  async unassignGuardrailKeys(guardrailId: string, keyHashes: string[]): Promise<WriteResult> {
    this.calls.push({ method: 'unassignGuardrailKeys', target: guardrailId, userIds: [], keyHashes: [...keyHashes] });
    const path = `/guardrails/${guardrailId}/assignments/keys/remove`;
    return this.write(path, () => this.store.unassignKeys(this.aliases.inward(guardrailId), keyHashes));
  }

  private workspaceInfo(workspace: WorkspaceRecord): WorkspaceInfo {
    return {
      id: this.aliases.outward(workspace.id),
      slug: workspace.slug,
      name: workspace.name,
      defaultGuardrailId: this.aliases.outward(workspace.defaultGuardrailId),
    };
  }

  private guardrailInfo(guardrail: GuardrailRecord): GuardrailInfo {
    return {
      id: this.aliases.outward(guardrail.id),
      name: guardrail.name,
      workspaceId: guardrail.workspaceId === null ? null : this.aliases.outward(guardrail.workspaceId),
    };
  }

  private read<T>(path: string, listing: () => T): T {
    return answered('GET', path, listing);
  }

  private async write(path: string, change: () => number): Promise<WriteResult> {
    return { count: answered('POST', path, change), attempts: 1 };
  }
}

/** Runs a store call; a refusal becomes the `ApiError` the HTTP provider throws for the same answer. */
function answered<T>(method: string, path: string, call: () => T): T {
  try {
    return call();
  } catch (error) {
    if (!(error instanceof SimulatorError)) throw error;
    const body = errorBody(error.status, error.message, error.userId, error.metadata);
    throw apiErrorFromBody(error.status, JSON.stringify(body), method, path);
  }
}

function wholeListing<T>(rows: T[]): FirstPage<T> {
  return { totalCount: rows.length, pages: pageCount(rows.length), readAll: async () => rows };
}

/** Ids of a `MemoryOrg` that are not UUIDs, each paired with a UUID of its own for the store. */
class IdAliases {
  private readonly toStore = new Map<string, string>();
  private readonly fromStore = new Map<string, string>();

  constructor(ids: readonly string[]) {
    const taken = new Set(ids);
    let counter = 0;
    for (const id of ids) {
      if (id === '' || isUuid(id) || this.toStore.has(id)) continue;
      let alias: string;
      do alias = `a11a5000-0000-4000-8000-${(++counter).toString(16).padStart(12, '0')}`;
      while (taken.has(alias));
      this.toStore.set(id, alias);
      this.fromStore.set(alias, id);
    }
  }

  inward(id: string): string {
    return this.toStore.get(id) ?? id;
  }

  outward(id: string): string {
    return this.fromStore.get(id) ?? id;
  }
}

/** The simulator state a `MemoryOrg` describes; the store validates it as any state file. */
function stateOf(org: MemoryOrg, aliases: IdAliases): SimulatorState {
  const assignedTo = new Map((org.keyAssignments ?? []).map((row) => [row.keyHash, row.guardrailId]));
  const guardrailOfKey = (hash: string, guardrailId: string | null | undefined) => {
    const id = guardrailId ?? assignedTo.get(hash);
    return id ? aliases.inward(id) : undefined;
  };
  const defaultId = org.defaultWorkspaceId === undefined ? org.workspaces.find((workspace) => workspace.slug === 'default')?.id : org.defaultWorkspaceId;
  return {
    organization_id: 'org_memory',
    members: org.members.map((member) => ({
      id: member.userId,
      email: member.email,
      first_name: member.firstName,
      last_name: member.lastName,
      role: member.role as OrgRole,
    })),
    workspaces: org.workspaces.map((workspace) => {
      if (workspace.defaultGuardrailId === null) throw new Error(`MemoryOrg workspace ${workspace.slug} needs a defaultGuardrailId`);
      const isDefault = workspace.id === defaultId;
      return {
        id: aliases.inward(workspace.id),
        slug: workspace.slug,
        name: workspace.name,
        description: null,
        default_guardrail_id: aliases.inward(workspace.defaultGuardrailId),
        is_default: isDefault,
        members: isDefault ? [] : (workspace.members ?? []),
        active_key_holders: org.unremovable?.[workspace.id] ?? [],
        keys: (org.keys ?? [])
          .filter((key) => key.workspaceId === workspace.id)
          .map((key) => ({
            hash: key.hash,
            name: key.name,
            label: key.label,
            guardrail_id: guardrailOfKey(key.hash, key.guardrailId) ?? null,
            disabled: key.disabled ?? false,
            creator_user_id: key.creatorUserId ?? null,
          })),
      };
    }),
    guardrails: org.guardrails.map((guardrail) => ({
      id: aliases.inward(guardrail.id),
      name: guardrail.name,
      description: null,
      workspace_id: guardrail.workspaceId === null ? null : aliases.inward(guardrail.workspaceId),
      members: guardrail.members ?? [],
    })),
    ...(org.scimMappedWorkspaceIds && {
      scim_group_mappings: org.scimMappedWorkspaceIds.map((workspaceId, index) => ({
        id: `mapping-${index + 1}`,
        scim_group_id: `group-${index + 1}`,
        workspace_id: aliases.inward(workspaceId),
        role: 'member' as const,
      })),
    }),
  };
}
