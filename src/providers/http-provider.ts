import { ApiClient, type ApiClientOptions } from './api-client.js';
import { ApiError } from './api-error.js';
import { firstPage, paginate } from './paginate.js';
import type { AssignmentInfo, FirstPage, GuardrailInfo, KeyAssignmentInfo, OrgMember, Provider, WorkspaceInfo } from './provider.js';

interface WireMember {
  id: string;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  role: string;
}
interface WireWorkspace {
  id: string;
  slug: string;
  name: string;
  default_guardrail_id: string | null;
}
interface WireGuardrail {
  id: string;
  name: string;
  workspace_id: string | null;
}
interface WireAssignment {
  user_id: string;
  guardrail_id: string;
}

const toWorkspace = (w: WireWorkspace): WorkspaceInfo => ({
  id: w.id,
  slug: w.slug,
  name: w.name,
  defaultGuardrailId: w.default_guardrail_id ?? null,
});
const toGuardrail = (g: WireGuardrail): GuardrailInfo => ({ id: g.id, name: g.name, workspaceId: g.workspace_id ?? null });
const toAssignment = (a: WireAssignment): AssignmentInfo => ({ userId: a.user_id, guardrailId: a.guardrail_id });
const seg = encodeURIComponent;
const ALL_ASSIGNMENTS = '/guardrails/assignments/members';

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
      firstName: m.first_name,
      lastName: m.last_name,
      role: m.role,
    }));
  }

  async listWorkspaces(): Promise<WorkspaceInfo[]> {
    return (await paginate<WireWorkspace>(this.client, '/workspaces')).map(toWorkspace);
  }

  async getWorkspace(idOrSlug: string): Promise<WorkspaceInfo | undefined> {
    const answer = await orUndefinedOn404(this.client.get<{ data: WireWorkspace }>(`/workspaces/${seg(idOrSlug)}`));
    return answer && toWorkspace(answer.data);
  }

  async listWorkspaceMembers(workspaceId: string): Promise<string[]> {
    const members = await paginate<{ user_id: string }>(this.client, `/workspaces/${seg(workspaceId)}/members`);
    return members.map((m) => m.user_id);
  }

  async listGuardrails(workspaceId: string): Promise<GuardrailInfo[]> {
    return (await paginate<WireGuardrail>(this.client, '/guardrails', { workspace_id: workspaceId })).map(toGuardrail);
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
    const path = guardrailId === undefined ? '/guardrails/assignments/keys' : `/guardrails/${seg(guardrailId)}/assignments/keys`;
    const rows = await paginate<{ key_hash: string; guardrail_id: string }>(this.client, path, {}, {
      rowsMayDrop: true,
      stringFields: ['key_hash', 'guardrail_id'],
    });
    return rows.map((row) => ({ keyHash: row.key_hash, guardrailId: row.guardrail_id }));
  }

  async addWorkspaceMembers(workspaceId: string, userIds: string[]): Promise<void> {
    await this.client.post(`/workspaces/${seg(workspaceId)}/members/add`, { user_ids: userIds });
  }

  async removeWorkspaceMembers(workspaceId: string, userIds: string[]): Promise<void> {
    await this.client.post(`/workspaces/${seg(workspaceId)}/members/remove`, { user_ids: userIds });
  }

  async assignGuardrailMembers(guardrailId: string, userIds: string[]): Promise<void> {
    await this.client.post(`/guardrails/${seg(guardrailId)}/assignments/members`, { member_user_ids: userIds });
  }

  async unassignGuardrailMembers(guardrailId: string, userIds: string[]): Promise<void> {
    await this.client.post(`/guardrails/${seg(guardrailId)}/assignments/members/remove`, { member_user_ids: userIds });
  }
}

/** A lookup by id or slug: 404 (and 400 for an id of the wrong form) mean "no such resource". */
async function orUndefinedOn404<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 400)) return undefined;
    throw error;
  }
}
