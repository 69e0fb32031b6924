/**
 * The API's routes: each one parses its input, calls the store and
 * serializes the answer. Patterns are written as in api.md; `{id}` matches
 * one path segment.
 */
import { badRequest, SimulatorError } from './errors.js';
import { paginate, parsePage, parseOffset } from './pagination.js';
import { isUuid } from './state.js';
import type { SimulatorStore } from './store.js';
import {
  guardrailJson,
  apiKeyJson,
  keyAssignmentJson,
  memberAssignmentJson,
  scimMappingJson,
  orgMemberJson,
  workspaceJson,
  workspaceMemberJson,
} from './wire.js';

/** The array a bulk write carries, by route. */
export type BatchField = 'user_ids' | 'member_user_ids' | 'key_hashes';

export interface RouteInput {
  store: SimulatorStore;
  /** Values of the `{id}` segments, decoded. */
  params: string[];
  query: URLSearchParams;
  /** The validated batch of a write route. */
  batch: string[];
  recordViolation(message: string): void;
}

export interface Route {
  method: 'GET' | 'POST';
  pattern: string;
  /** `${method} ${pattern}`: the key of `stats.byRoute`. */
  key: string;
  batchField?: BatchField;
  handle(input: RouteInput): unknown;
}

function route(method: Route['method'], pattern: string, handle: Route['handle'], batchField?: BatchField): Route {
  return { method, pattern, key: `${method} ${pattern}`, handle, ...(batchField ? { batchField } : {}) };
}

function param(input: RouteInput, index: number): string {
  return input.params[index] ?? '';
}

export const ROUTES: readonly Route[] = [
  route('GET', '/organization/members', ({ store, query }) => paginate(store.listOrgMembers(), parsePage(query), orgMemberJson)),

  route('GET', '/workspaces', ({ store, query }) => paginate(store.listWorkspaces(), parsePage(query), workspaceJson)),
  route('GET', '/workspaces/{id}', (input) => ({ data: workspaceJson(input.store.requireWorkspace(param(input, 0))) })),
  route('GET', '/workspaces/{id}/members', (input) => {
    const members = input.store.listWorkspaceMembers(param(input, 0));
    return paginate(members, parsePage(input.query), workspaceMemberJson);
  }),
  route(
    'POST',
    '/workspaces/{id}/members/add',
    (input) => {
      const created = input.store.addWorkspaceMembers(param(input, 0), input.batch);
      return { added_count: created.length, data: created.map(workspaceMemberJson) };
    },
    'user_ids',
  ),
  route(
    'POST',
    '/workspaces/{id}/members/remove',
    (input) => {
      const result = input.store.removeWorkspaceMembers(param(input, 0), input.batch);
      for (const orphan of result.orphaned) input.recordViolation(input.store.describeOrphan(orphan));
      return { removed_count: result.removed.length };
    },
    'user_ids',
  ),

  // Without `workspace_id`, only the default workspace's guardrails (documented), not the organization's.
  route('GET', '/guardrails', ({ store, query }) => {
    const page = parsePage(query);
    return paginate(store.listGuardrails(workspaceIdParameter(query)), page, guardrailJson);
  }),
  // No `limit` and no `total_count`: pages of up to 100 until a short one; without `workspace_id`, the default workspace's keys.
  route('GET', '/keys', ({ store, query }) => {
    const offset = parseOffset(query);
    const includeDisabled = includeDisabledParameter(query);
    const keys = store.listKeys(workspaceIdParameter(query)).filter((key) => includeDisabled || !key.disabled);
    return { data: keys.slice(offset, offset + KEY_PAGE_SIZE).map(apiKeyJson) };
  }),
  route('GET', '/scim/group-mappings', ({ store, query }) => {
    const page = parsePage(query);
    if (store.scimMappings === undefined) {
      throw new SimulatorError(store.scimUnavailableStatus, 'SCIM group mappings are available to Enterprise organizations only');
    }
    return paginate(store.scimMappings, page, (mapping) => scimMappingJson(mapping, store.organizationId));
  }),
  route('GET', '/guardrails/assignments/members', ({ store, query }) =>
    paginate(store.listAllAssignments(), parsePage(query), (assignment) => memberAssignmentJson(assignment, store.organizationId)),
  ),
  route('GET', '/guardrails/assignments/keys', ({ store, query }) =>
    paginate(store.listAllKeyAssignments(), parsePage(query), (assignment) => keyAssignmentJson(assignment, store.getApiKey(assignment.keyHash))),
  ),
  route('GET', '/guardrails/{id}', (input) => ({ data: guardrailJson(input.store.requireGuardrail(param(input, 0))) })),
  route('GET', '/guardrails/{id}/assignments/members', (input) => {
    const { store } = input;
    const assignments = store.listAssignments(param(input, 0));
    return paginate(assignments, parsePage(input.query), (assignment) => memberAssignmentJson(assignment, store.organizationId));
  }),
  route(
    'POST',
    '/guardrails/{id}/assignments/members',
    (input) => ({ assigned_count: input.store.assignMembers(param(input, 0), input.batch).assigned }),
    'member_user_ids',
  ),
  route(
    'POST',
    '/guardrails/{id}/assignments/members/remove',
    (input) => ({ unassigned_count: input.store.unassignMembers(param(input, 0), input.batch) }),
    'member_user_ids',
  ),
  route('GET', '/guardrails/{id}/assignments/keys', (input) => {
    const { store } = input;
    const assignments = store.listKeyAssignments(param(input, 0));
    return paginate(assignments, parsePage(input.query), (assignment) => keyAssignmentJson(assignment, store.getApiKey(assignment.keyHash)));
  }),
  route(
    'POST',
    '/guardrails/{id}/assignments/keys',
    (input) => ({ assigned_count: input.store.assignKeys(param(input, 0), input.batch) }),
    'key_hashes',
  ),
  route(
    'POST',
    '/guardrails/{id}/assignments/keys/remove',
    (input) => ({ unassigned_count: input.store.unassignKeys(param(input, 0), input.batch) }),
    'key_hashes',
  ),
];

const KEY_PAGE_SIZE = 100;

/** `workspace_id` filters by UUID only (documented); a slug there is a 400. */
function workspaceIdParameter(query: URLSearchParams): string | undefined {
  const workspaceId = query.get('workspace_id');
  if (workspaceId === null) return undefined;
  if (!isUuid(workspaceId)) throw badRequest(`workspace_id must be a UUID, got "${workspaceId}"`, null, { parameter: 'workspace_id' });
  return workspaceId;
}

/** `include_disabled`: `true` lists disabled keys too; they are left out by default. */
function includeDisabledParameter(query: URLSearchParams): boolean {
  const value = query.get('include_disabled');
  if (value === null || value === 'false') return false;
  if (value === 'true') return true;
  throw badRequest(`include_disabled must be true or false, got "${value}"`, null, { parameter: 'include_disabled' });
}

const COMPILED = ROUTES.map((candidate) => ({ route: candidate, segments: candidate.pattern.split('/').filter(Boolean) }));

/** The route for a method and a path relative to `/api/v1`; literal segments win over `{id}`. */
export function matchRoute(method: string, path: string): { route: Route; params: string[] } | undefined {
  const segments = path.split('/').filter(Boolean);
  let best: { route: Route; params: string[]; literals: number } | undefined;
  for (const { route: candidate, segments: pattern } of COMPILED) {
    if (candidate.method !== method || pattern.length !== segments.length) continue;
    const params: string[] = [];
    let literals = 0;
    let matches = true;
    for (let index = 0; index < pattern.length && matches; index += 1) {
      const expected = pattern[index] as string;
      const actual = segments[index] as string;
      if (expected === '{id}') params.push(safeDecode(actual));
      else if (expected === actual) literals += 1;
      else matches = false;
    }
    if (matches && (best === undefined || literals > best.literals)) best = { route: candidate, params, literals };
  }
  return best === undefined ? undefined : { route: best.route, params: best.params };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The documented maximum of `user_ids` in one membership call. */
export const MAX_MEMBERSHIP_IDS = 100;

/** The batch of a write body: `{ "<field>": [1 or more strings] }` (at most 100 `user_ids`), else 400. */
export function readBatch(body: unknown, field: BatchField): string[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest(`Request body must be a JSON object with a "${field}" array`);
  }
  const value = (body as Record<string, unknown>)[field];
  if (!Array.isArray(value)) throw badRequest(`"${field}" is required and must be an array of strings`, null, { field });
  if (value.some((entry) => typeof entry !== 'string' || entry.length === 0)) throw badRequest(`"${field}" must contain only non-empty strings`, null, { field });
  if (value.length === 0) throw badRequest(`"${field}" must contain at least 1 item`, null, { field });
  if (field === 'user_ids' && value.length > MAX_MEMBERSHIP_IDS) {
    throw badRequest(`"${field}" must contain at most ${MAX_MEMBERSHIP_IDS} items, got ${value.length}`, null, { field, maximum: MAX_MEMBERSHIP_IDS });
  }
  return value as string[];
}
