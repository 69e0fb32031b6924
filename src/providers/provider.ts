/**
 * The provider contract: the only door between gatesync and an organization.
 *
 * Implementations: `HttpProvider` (the ModelGates management API) and
 * `MemoryProvider` (an in-memory organization for unit tests).
 *
 * What an implementation must do:
 * - list methods return the whole collection (all pages), in any order;
 * - `getWorkspace` accepts a UUID or a slug, `getGuardrail` a UUID; both
 *   return `undefined` when there is no such resource;
 * - write methods are bulk and idempotent: adding a member who is already
 *   there, or assigning a member already on that guardrail, is not an error;
 * - a write refused by the organization throws `ApiError`;
 * - a write that succeeds returns what the organization counted (memberships
 *   added, assignments made, …) and how many attempts it took. Neither proves
 *   the change took effect: callers read the resource back when in doubt.
 *
 * What callers may assume: user ids (`user_…`), workspace and guardrail ids
 * are stable; a guardrail's `workspaceId` never changes.
 */

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

/**
 * The first page of a listing, read to learn what the whole listing costs
 * before deciding to read it. `readAll` returns the whole collection, first
 * page included, and never reads the first page again.
 */
export interface FirstPage<T> {
  totalCount: number;
  /** Requests reading the whole listing costs, this first one included. */
  pages: number;
  readAll(): Promise<T[]>;
}

export interface Provider {
  listOrgMembers(): Promise<OrgMember[]>;
  listWorkspaces(): Promise<WorkspaceInfo[]>;
  firstPageOfWorkspaces(): Promise<FirstPage<WorkspaceInfo>>;
  getWorkspace(idOrSlug: string): Promise<WorkspaceInfo | undefined>;
  /** User ids of the workspace's members. */
  listWorkspaceMembers(workspaceId: string): Promise<string[]>;
  /** The first page of `listWorkspaceMembers`: its `totalCount` tells whether the workspace holds every organization member. */
  firstPageOfWorkspaceMembers(workspaceId: string): Promise<FirstPage<string>>;
  listGuardrails(workspaceId: string): Promise<GuardrailInfo[]>;
  getGuardrail(guardrailId: string): Promise<GuardrailInfo | undefined>;
  /** User ids directly assigned to the guardrail. */
  listGuardrailMembers(guardrailId: string): Promise<string[]>;
  /** The first page of the organization-wide assignment listing; `readAll` reads every assignment of the organization. */
  firstPageOfAllAssignments(): Promise<FirstPage<AssignmentInfo>>;
  /**
   * The workspace ids carried by the first page of a listing that, asked
   * without a workspace, answers for the default workspace only (one
   * request). Empty when the listing is empty or refused (400, 403, 404):
   * no evidence either way.
   */
  defaultWorkspaceEvidence(listing: DefaultWorkspaceListing): Promise<string[]>;
  /** SCIM group mappings, read in one request; `undefined` when the organization has none to show (403, 404: not Enterprise). */
  scimMappings(): Promise<ScimMappings | undefined>;
  /**
   * Key assignments of one guardrail, or of the whole organization without
   * `guardrailId`. The service drops rows of deleted keys after paging, so
   * the result may hold fewer rows than the listing announced; it never
   * holds more.
   */
  listKeyAssignments(guardrailId?: string): Promise<KeyAssignmentInfo[]>;
  /** The first page of the organization-wide key-assignment listing; `readAll` may hold fewer rows than `totalCount`, as above. */
  firstPageOfAllKeyAssignments(): Promise<FirstPage<KeyAssignmentInfo>>;
  /** The API keys of a workspace (disabled ones included: they can hold a guardrail too). */
  listKeys(workspaceId: string): Promise<KeyInfo[]>;

  addWorkspaceMembers(workspaceId: string, userIds: string[]): Promise<WriteResult>;
  removeWorkspaceMembers(workspaceId: string, userIds: string[]): Promise<WriteResult>;
  assignGuardrailMembers(guardrailId: string, userIds: string[]): Promise<WriteResult>;
  unassignGuardrailMembers(guardrailId: string, userIds: string[]): Promise<WriteResult>;
  /** Assigns keys by hash; a key on another guardrail of its workspace moves. Unknown hashes are skipped, not refused. */
  assignGuardrailKeys(guardrailId: string, keyHashes: string[]): Promise<WriteResult>;
  unassignGuardrailKeys(guardrailId: string, keyHashes: string[]): Promise<WriteResult>;
}

/** The answer to a bulk write. */
export interface WriteResult {
  /** `added_count`, `removed_count`, `assigned_count` or `unassigned_count`; `null` when the answer carried no usable count. */
  count: number | null;
  /** Above 1: an earlier attempt may have taken effect although its answer was lost. */
  attempts: number;
}

