import { ApiClient, type ApiClientOptions, type AttemptCount } from './api-client.js';
import { ApiError, TransportError } from './api-error.js';
import { firstPage, paginate, PAGE_SIZE } from './paginate.js';
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

// Optional and nullable fields are typed as the wire may carry them: absent, null or set.
interface WireMember {
  id: string;
  email?: string | null;
  first_name?: string | null;
  last_name?: string | null;
  role: string;
}
interface WireWorkspace {
  id: string;
  slug: string;
  name?: string | null;
  default_guardrail_id?: string | null;
}
interface WireGuardrail {
  id: string;
  name: string;
  workspace_id?: string | null;
}
/** A row of `GET /guardrails`, `GET /keys` or `GET /scim/group-mappings`, of which only the workspace it belongs to is read. */
interface WireWorkspaceRow {
  workspace_id?: string | null;
}
interface WireKey {
  hash: string;
  name: string;
  label?: string | null;
  workspace_id?: string | null;
}
interface WireKeyAssignment {
  key_hash: string;
  guardrail_id: string;
}
interface WireAssignment {
  user_id: string;
  guardrail_id: string;
}

const toWorkspace = (w: WireWorkspace): WorkspaceInfo => ({
  id: w.id,
  slug: w.slug,
  name: w.name ?? '',
  defaultGuardrailId: w.default_guardrail_id ?? null,
});
const toGuardrail = (g: WireGuardrail): GuardrailInfo => ({ id: g.id, name: g.name, workspaceId: g.workspace_id ?? null });
const toAssignment = (a: WireAssignment): AssignmentInfo => ({ userId: a.user_id, guardrailId: a.guardrail_id });
const toKeyAssignment = (a: WireKeyAssignment): KeyAssignmentInfo => ({ keyHash: a.key_hash, guardrailId: a.guardrail_id });
const seg = encodeURIComponent;
const ALL_ASSIGNMENTS = '/guardrails/assignments/members';
const ALL_KEY_ASSIGNMENTS = '/guardrails/assignments/keys';
const DEFAULT_WORKSPACE_LISTINGS: Record<DefaultWorkspaceListing, string> = { guardrails: '/guardrails', keys: '/keys' };

/** The ModelGates management API over HTTP. */
export class HttpProvider implements Provider {
  readonly client: ApiClient;

  constructor(options: ApiClientOptions) {
    this.client = new ApiClient(options);
  }

  close(): Promise<void> {
    return this.client.close();
  }

  async listOrgMembers(): Promise<OrgMember[]> {
    const members = await paginate<WireMember>(this.client, '/organization/members');
    return members.map((m) => ({
      userId: m.id,
      email: m.email ?? '',
      firstName: m.first_name ?? null,
      lastName: m.last_name ?? null,
      role: m.role,
    }));
  }

  async listWorkspaces(): Promise<WorkspaceInfo[]> {
    return (await paginate<WireWorkspace>(this.client, '/workspaces')).map(toWorkspace);
  }

  async firstPageOfWorkspaces(): Promise<FirstPage<WorkspaceInfo>> {
    const page = await firstPage<WireWorkspace>(this.client, '/workspaces');
    return { totalCount: page.totalCount, pages: page.pages, readAll: async () => (await page.readAll()).map(toWorkspace) };
  }

  async getWorkspace(idOrSlug: string): Promise<WorkspaceInfo | undefined> {
    const answer = await orUndefinedOn404(this.client.get<{ data: WireWorkspace }>(`/workspaces/${seg(idOrSlug)}`));
    return answer && toWorkspace(answer.data);
  }

  async listWorkspaceMembers(workspaceId: string): Promise<string[]> {
    return (await this.firstPageOfWorkspaceMembers(workspaceId)).readAll();
  }

  async firstPageOfWorkspaceMembers(workspaceId: string): Promise<FirstPage<string>> {
    const page = await firstPage<{ user_id: string }>(this.client, `/workspaces/${seg(workspaceId)}/members`);
    return { totalCount: page.totalCount, pages: page.pages, readAll: async () => (await page.readAll()).map((m) => m.user_id) };
  }

  async listGuardrails(workspaceId: string): Promise<GuardrailInfo[]> {
    return (await paginate<WireGuardrail>(this.client, '/guardrails', { workspace_id: workspaceId })).map(toGuardrail);
  }

  async defaultWorkspaceEvidence(listing: DefaultWorkspaceListing): Promise<string[]> {
    // `GET /keys` takes no `limit`: its pages hold up to 100 keys.
    const query = listing === 'guardrails' ? { offset: 0, limit: PAGE_SIZE } : { offset: 0 };
    const answer = await orUndefinedOnRefusal(this.client.get<{ data: WireWorkspaceRow[] }>(DEFAULT_WORKSPACE_LISTINGS[listing], query), [400, 403, 404]);
    return workspaceIdsOf(answer?.data);
  }

  async scimMappings(): Promise<ScimMappings | undefined> {
    const answer = await orUndefinedOnRefusal(
      this.client.get<{ data: WireWorkspaceRow[]; total_count?: number }>('/scim/group-mappings', { offset: 0, limit: PAGE_SIZE }),
      [403, 404],
    );
    if (!answer) return undefined;
    const workspaceIds = workspaceIdsOf(answer.data);
    const read = Array.isArray(answer.data) ? answer.data.length : 0;
    return { workspaceIds: new Set(workspaceIds), complete: (answer.total_count ?? read) <= read };
  }

  async getGuardrail(guardrailId: string): Promise<GuardrailInfo | undefined> {
    const answer = await orUndefinedOn404(this.client.get<{ data: WireGuardrail }>(`/guardrails/${seg(guardrailId)}`));
    return answer && toGuardrail(answer.data);
  }

  async listGuardrailMembers(guardrailId: string): Promise<string[]> {
    const rows = await paginate<WireAssignment>(this.client, `/guardrails/${seg(guardrailId)}/assignments/members`);
    return rows.map((a) => a.user_id);
  }

  async firstPageOfAllAssignments(): Promise<FirstPage<AssignmentInfo>> {
    const page = await firstPage<WireAssignment>(this.client, ALL_ASSIGNMENTS);
    return { totalCount: page.totalCount, pages: page.pages, readAll: async () => (await page.readAll()).map(toAssignment) };
  }

  async listKeyAssignments(guardrailId?: string): Promise<KeyAssignmentInfo[]> {
    const path = guardrailId === undefined ? ALL_KEY_ASSIGNMENTS : `/guardrails/${seg(guardrailId)}/assignments/keys`;
    return (await this.firstPageOfKeyAssignments(path)).readAll();
  }

  firstPageOfAllKeyAssignments(): Promise<FirstPage<KeyAssignmentInfo>> {
    return this.firstPageOfKeyAssignments(ALL_KEY_ASSIGNMENTS);
  }

  private async firstPageOfKeyAssignments(path: string): Promise<FirstPage<KeyAssignmentInfo>> {
    const page = await firstPage<WireKeyAssignment>(this.client, path, {}, { rowsMayDrop: true, stringFields: ['key_hash', 'guardrail_id'] });
    return { totalCount: page.totalCount, pages: page.pages, readAll: async () => (await page.readAll()).map(toKeyAssignment) };
  }

  /**
   * `GET /keys` has no `limit` and no `total_count`: pages of up to 100 keys,
   * the next at `offset + 100`, until a short page. So the pages are read
   * one after another.
   */
  async listKeys(workspaceId: string): Promise<KeyInfo[]> {
    const keys: KeyInfo[] = [];
    for (let offset = 0; ; offset += PAGE_SIZE) {
      const answer = await this.client.get<{ data?: unknown }>('/keys', { workspace_id: workspaceId, offset, include_disabled: 'true' });
      const rows = keyRows(answer?.data, offset);
      // A row of another workspace would let a key be named where it cannot be assigned: only this workspace's keys are kept.
      for (const row of rows) if ((row.workspace_id ?? workspaceId) === workspaceId) keys.push({ hash: row.hash, name: row.name, label: row.label ?? '', workspaceId });
      if (rows.length < PAGE_SIZE) return keys;
    }
  }

  addWorkspaceMembers(workspaceId: string, userIds: string[]): Promise<WriteResult> {
    return this.write(`/workspaces/${seg(workspaceId)}/members/add`, { user_ids: userIds }, 'added_count');
  }

  removeWorkspaceMembers(workspaceId: string, userIds: string[]): Promise<WriteResult> {
    return this.write(`/workspaces/${seg(workspaceId)}/members/remove`, { user_ids: userIds }, 'removed_count');
  }

  assignGuardrailMembers(guardrailId: string, userIds: string[]): Promise<WriteResult> {
    return this.write(`/guardrails/${seg(guardrailId)}/assignments/members`, { member_user_ids: userIds }, 'assigned_count');
  }

  unassignGuardrailMembers(guardrailId: string, userIds: string[]): Promise<WriteResult> {
    return this.write(`/guardrails/${seg(guardrailId)}/assignments/members/remove`, { member_user_ids: userIds }, 'unassigned_count');
  }

  assignGuardrailKeys(guardrailId: string, keyHashes: string[]): Promise<WriteResult> {
    return this.write(`/guardrails/${seg(guardrailId)}/assignments/keys`, { key_hashes: keyHashes }, 'assigned_count');
  }

  unassignGuardrailKeys(guardrailId: string, keyHashes: string[]): Promise<WriteResult> {
    return this.write(`/guardrails/${seg(guardrailId)}/assignments/keys/remove`, { key_hashes: keyHashes }, 'unassigned_count');
  }

  /** A count that is missing or not a whole number is reported as unknown, never trusted. */
  private async write(path: string, body: unknown, countField: string): Promise<WriteResult> {
    const attempts: AttemptCount = { count: 0 };
    const answer = await this.client.post<Record<string, unknown> | null>(path, body, attempts);
    const count = answer?.[countField];
    return { count: Number.isSafeInteger(count) && (count as number) >= 0 ? (count as number) : null, attempts: attempts.count };
  }
}

/** A page of `GET /keys` is input: anything but a list of at most a page of keys, each with a string `hash` and `name`, is refused. */
function keyRows(data: unknown, offset: number): WireKey[] {
  const rows = Array.isArray(data) ? (data as Array<Partial<WireKey> | null>) : undefined;
  const problem =
    rows === undefined
      ? '"data" is not a list'
      : rows.length > PAGE_SIZE
        ? `it holds ${rows.length} keys where pages hold at most ${PAGE_SIZE}`
        : rows.some((row) => typeof row?.hash !== 'string' || typeof row.name !== 'string')
          ? 'a key has no "hash" or "name" string'
          : undefined;
  if (problem !== undefined) {
    throw new TransportError('GET', '/keys', `the page at offset ${offset} is not the documented listing shape: ${problem}; check that MODELGATES_BASE_URL is the API's address`);
  }
  return rows as WireKey[];
}

/** The `workspace_id`s of a page's rows; rows without one (legacy guardrails) and malformed pages carry no evidence. */
function workspaceIdsOf(rows: WireWorkspaceRow[] | undefined): string[] {
  if (!Array.isArray(rows)) return [];
  return rows.flatMap((row) => (typeof row?.workspace_id === 'string' && row.workspace_id ? [row.workspace_id] : []));
}

/** A lookup by id or slug: 404 (and 400 for an id of the wrong form) mean "no such resource". */
function orUndefinedOn404<T>(call: Promise<T>): Promise<T | undefined> {
  return orUndefinedOnRefusal(call, [404, 400]);
}

async function orUndefinedOnRefusal<T>(call: Promise<T>, statuses: readonly number[]): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof ApiError && statuses.includes(error.status)) return undefined;
    throw error;
  }
}
