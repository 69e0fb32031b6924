import { ApiError } from './api-error.js';
import { pageCount } from './paginate.js';
import type {
  AssignmentInfo,
  DefaultWorkspaceListing,
  GuardrailInfo,
  KeyAssignmentInfo,
  KeyInfo,
  OrgMember,
  ScimMappings,
  WorkspaceInfo,
} from '../model/org.js';
import type { FirstPage, Provider, WriteResult } from './provider.js';

export interface MemoryOrg {
  members: OrgMember[];
  workspaces: Array<WorkspaceInfo & { members?: string[] }>;
  guardrails: Array<GuardrailInfo & { members?: string[] }>;
  /** Users the organization refuses to remove from a workspace (active keys, SCIM), by workspace id. */
  unremovable?: Record<string, string[]>;
  /** The default workspace, whatever its slug; when unset, the one with the slug `default`, if any. */
  defaultWorkspaceId?: string | null;
  /** Workspace ids with SCIM group mappings; unset: not an Enterprise organization. */
  scimMappedWorkspaceIds?: string[];
  keys?: KeyInfo[];
  keyAssignments?: KeyAssignmentInfo[];
}

/** Every call a `MemoryProvider` was asked to make, in order. */
export interface MemoryCall {
  method: keyof Provider;
  target: string;
  userIds: string[];
}

/**
 * An organization held in memory, with the API's domain rules: implicit
 * default workspace, one guardrail per member per workspace (assign moves),
 * assignment only for workspace members, refused removals. For unit tests.
 */
export class MemoryProvider implements Provider {
  readonly calls: MemoryCall[] = [];
  /** Removals of members who still held a guardrail of the workspace: a correct client unassigns first. */
  readonly violations: string[] = [];
  private readonly members: Map<string, OrgMember>;
  private readonly workspaces: Map<string, WorkspaceInfo>;
  private readonly workspaceMembers = new Map<string, Set<string>>();
  private readonly guardrails: Map<string, GuardrailInfo>;
  private readonly guardrailMembers = new Map<string, Set<string>>();
  private readonly unremovable: Map<string, Set<string>>;
  private readonly defaultWorkspaceId: string | undefined;
  private readonly scimMappedWorkspaceIds: string[] | undefined;
  private readonly keys: Map<string, KeyInfo>;
  /** Key hash → guardrail id: a key holds at most one guardrail. */
  private readonly keyGuardrail: Map<string, string>;

  constructor(org: MemoryOrg) {
    this.members = new Map(org.members.map((m) => [m.userId, m]));
    this.workspaces = new Map(org.workspaces.map(({ members: _m, ...w }) => [w.id, w]));
    for (const w of org.workspaces) this.workspaceMembers.set(w.id, new Set(w.members ?? []));
    this.guardrails = new Map(org.guardrails.map(({ members: _m, ...g }) => [g.id, g]));
    for (const g of org.guardrails) this.guardrailMembers.set(g.id, new Set(g.members ?? []));
    this.unremovable = new Map(Object.entries(org.unremovable ?? {}).map(([id, users]) => [id, new Set(users)]));
    this.defaultWorkspaceId =
      org.defaultWorkspaceId === undefined ? org.workspaces.find((w) => w.slug === 'default')?.id : (org.defaultWorkspaceId ?? undefined);
    this.scimMappedWorkspaceIds = org.scimMappedWorkspaceIds;
    this.keys = new Map((org.keys ?? []).map((key) => [key.hash, key]));
    this.keyGuardrail = new Map((org.keyAssignments ?? []).map((row) => [row.keyHash, row.guardrailId]));
  }

  /** Key hash → guardrail id, sorted by hash. */
  keySnapshot(): Record<string, string> {
    return Object.fromEntries([...this.keyGuardrail].sort(([a], [b]) => (a < b ? -1 : 1)));
  }

  /** Live state: sorted members of every non-default workspace and of every guardrail. */
  snapshot(): { workspaceMembers: Record<string, string[]>; assignments: Record<string, string[]> } {
    const workspaceMembers: Record<string, string[]> = {};
    for (const [id, workspace] of this.workspaces) {
      if (!this.isDefault(workspace)) workspaceMembers[id] = [...this.workspaceMembers.get(id)!].sort();
    }
    const assignments: Record<string, string[]> = {};
    for (const [id, members] of this.guardrailMembers) assignments[id] = [...members].sort();
    return { workspaceMembers, assignments };
  }

  async listOrgMembers(): Promise<OrgMember[]> {
    return [...this.members.values()];
  }

  async listWorkspaces(): Promise<WorkspaceInfo[]> {
    return [...this.workspaces.values()];
  }

  async firstPageOfWorkspaces(): Promise<FirstPage<WorkspaceInfo>> {
    const workspaces = [...this.workspaces.values()];
    return { totalCount: workspaces.length, pages: pageCount(workspaces.length), readAll: async () => workspaces };
  }

  async getWorkspace(idOrSlug: string): Promise<WorkspaceInfo | undefined> {
    return this.workspaces.get(idOrSlug) ?? [...this.workspaces.values()].find((w) => w.slug === idOrSlug);
  }

  async listWorkspaceMembers(workspaceId: string): Promise<string[]> {
    const workspace = this.workspace(workspaceId, 'listWorkspaceMembers');
    return this.isDefault(workspace) ? [...this.members.keys()] : [...this.workspaceMembers.get(workspace.id)!];
  }

  async firstPageOfWorkspaceMembers(workspaceId: string): Promise<FirstPage<string>> {
    const members = await this.listWorkspaceMembers(workspaceId);
    return { totalCount: members.length, pages: pageCount(members.length), readAll: async () => members };
  }

  async listGuardrails(workspaceId: string): Promise<GuardrailInfo[]> {
    return [...this.guardrails.values()].filter((g) => g.workspaceId === workspaceId);
  }

  async defaultWorkspaceEvidence(listing: DefaultWorkspaceListing): Promise<string[]> {
    if (this.defaultWorkspaceId === undefined || listing === 'keys') return [];
    return [...this.guardrails.values()].filter((g) => g.workspaceId === this.defaultWorkspaceId).map((g) => g.workspaceId as string);
  }

  async scimMappings(): Promise<ScimMappings | undefined> {
    return this.scimMappedWorkspaceIds && { workspaceIds: new Set(this.scimMappedWorkspaceIds), complete: true };
  }

  private isDefault(workspace: WorkspaceInfo): boolean {
    return workspace.id === this.defaultWorkspaceId;
  }

  async getGuardrail(guardrailId: string): Promise<GuardrailInfo | undefined> {
    return this.guardrails.get(guardrailId);
  }

  async listGuardrailMembers(guardrailId: string): Promise<string[]> {
    return [...this.guardrailSet(guardrailId, 'listGuardrailMembers')];
  }

  /** Counts pages as the API pages (100 items), so that decisions made from `pages` are the ones made over HTTP. */
  async firstPageOfAllAssignments(): Promise<FirstPage<AssignmentInfo>> {
    const rows: AssignmentInfo[] = [];
    for (const [guardrailId, members] of this.guardrailMembers) for (const userId of members) rows.push({ userId, guardrailId });
    return { totalCount: rows.length, pages: pageCount(rows.length), readAll: async () => rows };
  }

  async listKeyAssignments(guardrailId?: string): Promise<KeyAssignmentInfo[]> {
    return [...this.keyGuardrail]
      .filter(([, id]) => guardrailId === undefined || id === guardrailId)
      .map(([keyHash, id]) => ({ keyHash, guardrailId: id }));
  }

  async firstPageOfAllKeyAssignments(): Promise<FirstPage<KeyAssignmentInfo>> {
    const rows = await this.listKeyAssignments();
    return { totalCount: rows.length, pages: pageCount(rows.length), readAll: async () => rows };
  }

  async listKeys(workspaceId: string): Promise<KeyInfo[]> {
    return [...this.keys.values()].filter((key) => key.workspaceId === workspaceId);
  }

  async assignGuardrailKeys(guardrailId: string, keyHashes: string[]): Promise<WriteResult> {
    this.record('assignGuardrailKeys', guardrailId, keyHashes);
    const workspace = this.assignableWorkspace(guardrailId, 'assignGuardrailKeys');
    const foreign = keyHashes.find((hash) => this.keys.has(hash) && this.keys.get(hash)!.workspaceId !== workspace.id);
    if (foreign) this.refuse('assignGuardrailKeys', `key ${foreign} belongs to another workspace`);
    // Unknown hashes are skipped, as the API does.
    return counted(keyHashes, (hash) => {
      if (!this.keys.has(hash) || this.keyGuardrail.get(hash) === guardrailId) return false;
      this.keyGuardrail.set(hash, guardrailId);
      return true;
    });
  }

  async unassignGuardrailKeys(guardrailId: string, keyHashes: string[]): Promise<WriteResult> {
    this.record('unassignGuardrailKeys', guardrailId, keyHashes);
    this.guardrailInfo(guardrailId, 'unassignGuardrailKeys');
    return counted(keyHashes, (hash) => this.keyGuardrail.get(hash) === guardrailId && this.keyGuardrail.delete(hash));
  }

  async addWorkspaceMembers(workspaceId: string, userIds: string[]): Promise<WriteResult> {
    this.record('addWorkspaceMembers', workspaceId, userIds);
    const workspace = this.workspace(workspaceId, 'addWorkspaceMembers');
    if (this.isDefault(workspace)) this.refuse('addWorkspaceMembers', 'membership of the default workspace is implicit');
    this.requireOrgMembers(userIds, 'addWorkspaceMembers');
    const members = this.workspaceMembers.get(workspace.id)!;
    return counted(userIds, (userId) => addNew(members, userId));
  }

  async removeWorkspaceMembers(workspaceId: string, userIds: string[]): Promise<WriteResult> {
    this.record('removeWorkspaceMembers', workspaceId, userIds);
    const workspace = this.workspace(workspaceId, 'removeWorkspaceMembers');
    if (this.isDefault(workspace)) this.refuse('removeWorkspaceMembers', 'membership of the default workspace is implicit');
    const refused = userIds.find((userId) => this.unremovable.get(workspace.id)?.has(userId));
    if (refused) this.refuse('removeWorkspaceMembers', `${refused} has active API keys in this workspace`, refused);
    for (const userId of userIds) {
      if (!this.workspaceMembers.get(workspace.id)!.has(userId)) continue;
      for (const guardrail of this.guardrails.values()) {
        if (guardrail.workspaceId === workspace.id && this.guardrailMembers.get(guardrail.id)!.has(userId)) {
          this.violations.push(`removed ${userId} from ${workspace.slug} while assigned to ${guardrail.name}`);
        }
      }
    }
    const members = this.workspaceMembers.get(workspace.id)!;
    return counted(userIds, (userId) => members.delete(userId));
  }

  async assignGuardrailMembers(guardrailId: string, userIds: string[]): Promise<WriteResult> {
    this.record('assignGuardrailMembers', guardrailId, userIds);
    const workspace = this.assignableWorkspace(guardrailId, 'assignGuardrailMembers');
    this.requireOrgMembers(userIds, 'assignGuardrailMembers');
    if (!this.isDefault(workspace)) {
      const outsider = userIds.find((userId) => !this.workspaceMembers.get(workspace.id)!.has(userId));
      if (outsider) this.refuse('assignGuardrailMembers', `${outsider} is not a member of the workspace`, outsider);
    }
    const siblings = [...this.guardrails.values()].filter((g) => g.workspaceId === workspace.id && g.id !== guardrailId);
    const members = this.guardrailMembers.get(guardrailId)!;
    return counted(userIds, (userId) => {
      for (const sibling of siblings) this.guardrailMembers.get(sibling.id)!.delete(userId);
      return addNew(members, userId);
    });
  }

  async unassignGuardrailMembers(guardrailId: string, userIds: string[]): Promise<WriteResult> {
    this.record('unassignGuardrailMembers', guardrailId, userIds);
    const members = this.guardrailSet(guardrailId, 'unassignGuardrailMembers');
    return counted(userIds, (userId) => members.delete(userId));
  }

  private record(method: keyof Provider, target: string, userIds: string[]): void {
    this.calls.push({ method, target, userIds: [...userIds] });
  }

  private workspace(idOrSlug: string, method: string): WorkspaceInfo {
    const workspace = this.workspaces.get(idOrSlug) ?? [...this.workspaces.values()].find((w) => w.slug === idOrSlug);
    if (!workspace) throw new ApiError(404, 'workspace not found', 'POST', method);
    return workspace;
  }

  private guardrailInfo(guardrailId: string, method: string): GuardrailInfo {
    const guardrail = this.guardrails.get(guardrailId);
    if (!guardrail) throw new ApiError(404, 'guardrail not found', 'POST', method);
    return guardrail;
  }

  /** The workspace of a guardrail that members and keys may be assigned to: neither legacy nor a default guardrail. */
  private assignableWorkspace(guardrailId: string, method: string): WorkspaceInfo {
    const guardrail = this.guardrailInfo(guardrailId, method);
    const workspace = guardrail.workspaceId ? this.workspaces.get(guardrail.workspaceId) : undefined;
    if (!workspace) return this.refuse(method, 'guardrail has no workspace');
    if (workspace.defaultGuardrailId === guardrailId) this.refuse(method, 'the default guardrail cannot be assigned');
    return workspace;
  }

  private guardrailSet(guardrailId: string, method: string): Set<string> {
    this.guardrailInfo(guardrailId, method);
    return this.guardrailMembers.get(guardrailId)!;
  }

  private requireOrgMembers(userIds: string[], method: string): void {
    const unknown = userIds.find((userId) => !this.members.has(userId));
    if (unknown) this.refuse(method, `${unknown} is not a member of the organization`, unknown);
  }

  private refuse(method: string, message: string, userId: string | null = null): never {
    throw new ApiError(400, message, 'POST', method, userId);
  }
}

/** Applies `change` to each distinct user id and counts those it changed, as the API counts. */
function counted(userIds: string[], change: (userId: string) => boolean): WriteResult {
  let count = 0;
  for (const userId of new Set(userIds)) if (change(userId)) count++;
  return { count, attempts: 1 };
}

function addNew(set: Set<string>, value: string): boolean {
  if (set.has(value)) return false;
  set.add(value);
  return true;
}
