/**
 * The simulator's state file: a whole organization as plain JSON (format in
 * docs/simulator.md). `parseState` checks shapes *and* the domain invariants the real
 * API guarantees (a member holds one guardrail per workspace, legacy and
 * default guardrails have no members, …), so that a simulator never starts
 * from a state the real API could not be in.
 */
import { readFileSync } from 'node:fs';

export type OrgRole = 'org:admin' | 'org:member';
export type ResetInterval = 'daily' | 'weekly' | 'monthly';

export interface StateMember {
  /** The user id (`user_…`). */
  id: string;
  email: string;
  first_name: string | null;
  last_name: string | null;
  role: OrgRole;
  /** Provisioned by SCIM: the API refuses to remove them from workspaces. */
  scim_managed?: boolean;
  created_at?: string;
}

export interface StateApiKey {
  hash: string;
  name: string;
  label: string;
  /** The guardrail the key is assigned to, if any. */
  guardrail_id?: string | null;
  disabled?: boolean;
  /** The member who created the key: while it is enabled, the API refuses to remove them from the workspace. */
  creator_user_id?: string | null;
  created_at?: string;
}

export interface StateWorkspace {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  default_guardrail_id: string;
  created_by?: string | null;
  created_at?: string;
  updated_at?: string | null;
  /**
   * Marks the organization's default workspace, whatever its slug. When no
   * workspace of the state sets it, the one with the slug `default` (if any)
   * is the default; `false` on it leaves the organization without one.
   */
  is_default?: boolean;
  /** User ids. Must be empty for the default workspace, whose membership is implicit. */
  members?: string[];
  /** Members holding active API keys here: the API refuses to remove them. */
  active_key_holders?: string[];
  keys?: StateApiKey[];
}

export interface StateGuardrail {
  id: string;
  name: string;
  description: string | null;
  /** `null` for a legacy guardrail, which cannot be assigned to members. */
  workspace_id: string | null;
  limit_usd?: number | null;
  reset_interval?: ResetInterval | null;
  allowed_models?: string[] | null;
  allowed_providers?: string[] | null;
  created_at?: string;
  updated_at?: string | null;
  /** User ids directly assigned to this guardrail. */
  members?: string[];
}

/** A SCIM group mapping: the identity provider adds the group's members to the workspace on every sync. */
export interface StateScimMapping {
  id: string;
  scim_group_id: string;
  workspace_id: string;
  role: 'admin' | 'member';
  created_at?: string;
}

export interface SimulatorState {
  organization_id: string;
  /** Timestamp given to every record that has no `created_at` of its own. */
  created_at?: string;
  members: StateMember[];
  workspaces: StateWorkspace[];
  /**
   * Guardrails, default guardrails included once configured: a workspace's
   * default guardrail missing here is in force but not yet configured, so it
   * is absent from listings and answers 404.
   */
  guardrails: StateGuardrail[];
  /** Present: an Enterprise organization with these SCIM group mappings. Absent: SCIM is unavailable. */
  scim_group_mappings?: StateScimMapping[];
  /** How `GET /scim/group-mappings` refuses an organization without SCIM: 403 (the default) or 404. */
  scim_unavailable_status?: 403 | 404;
}

export const DEFAULT_STATE_TIMESTAMP = '2025-01-01T00:00:00.000Z';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]*$/;
const ISO_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const RESET_INTERVALS: readonly string[] = ['daily', 'weekly', 'monthly'];
const MAX_REPORTED_PROBLEMS = 20;

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

/** Reads and validates a state file; throws one Error listing every problem found. */
export function loadStateFile(path: string): SimulatorState {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read simulator state file ${path}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`simulator state file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseState(value, path);
}

/** Validates an already-parsed state; `source` names it in error messages. */
export function parseState(value: unknown, source = 'simulator state'): SimulatorState {
  const problems: string[] = [];
  checkState(value, problems);
  if (problems.length > 0) {
    const shown = problems.slice(0, MAX_REPORTED_PROBLEMS);
    const more = problems.length > shown.length ? `\n  … and ${problems.length - shown.length} more` : '';
    throw new Error(`${source} is invalid:\n  ${shown.join('\n  ')}${more}`);
  }
  return value as SimulatorState;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkState(value: unknown, problems: string[]): void {
  const report = (path: string, message: string): void => {
    problems.push(`${path}: ${message}`);
  };
  if (!isObject(value)) {
    report('(root)', 'must be an object');
    return;
  }
  requireString(value, 'organization_id', '(root)', report);
  optionalTimestamp(value, 'created_at', '(root)', report);
  const members = requireArray(value, 'members', '(root)', report);
  const workspaces = requireArray(value, 'workspaces', '(root)', report);
  const guardrails = requireArray(value, 'guardrails', '(root)', report);

  const memberIds = new Set<string>();
  const emails = new Map<string, string>();
  members.forEach((member, index) => {
    const path = `members[${index}]`;
    if (!isObject(member)) return report(path, 'must be an object');
    const id = requireString(member, 'id', path, report);
    const email = requireString(member, 'email', path, report);
    nullableString(member, 'first_name', path, report);
    nullableString(member, 'last_name', path, report);
    if (member['role'] !== 'org:admin' && member['role'] !== 'org:member') report(`${path}.role`, 'must be "org:admin" or "org:member"');
    if (member['scim_managed'] !== undefined && typeof member['scim_managed'] !== 'boolean') report(`${path}.scim_managed`, 'must be a boolean');
    optionalTimestamp(member, 'created_at', path, report);
    if (id !== undefined) {
      if (memberIds.has(id)) report(`${path}.id`, `duplicate user id "${id}"`);
      memberIds.add(id);
    }
    if (email !== undefined) {
      const key = email.toLowerCase();
      const first = emails.get(key);
      if (first !== undefined) report(`${path}.email`, `"${email}" is also the email of ${first}`);
      else emails.set(key, path);
    }
  });

  interface GuardrailFacts { workspaceId: string | null; members: unknown[] }
  const guardrailFacts = new Map<string, GuardrailFacts>();
  const workspaceIds = new Set<string>();
  workspaces.forEach((workspace) => {
    if (isObject(workspace) && typeof workspace['id'] === 'string') workspaceIds.add(workspace['id']);
  });
  guardrails.forEach((guardrail, index) => {
    const path = `guardrails[${index}]`;
    if (!isObject(guardrail)) return report(path, 'must be an object');
    const id = requireString(guardrail, 'id', path, report);
    requireString(guardrail, 'name', path, report);
    nullableString(guardrail, 'description', path, report);
    const workspaceId = guardrail['workspace_id'];
    if (workspaceId !== null && typeof workspaceId !== 'string') report(`${path}.workspace_id`, 'must be a workspace id or null (legacy guardrail)');
    else if (typeof workspaceId === 'string' && !workspaceIds.has(workspaceId)) report(`${path}.workspace_id`, `no workspace has id "${workspaceId}"`);
    const limit = guardrail['limit_usd'];
    if (limit !== undefined && limit !== null && (typeof limit !== 'number' || !(limit >= 0))) report(`${path}.limit_usd`, 'must be a non-negative number or null');
    const interval = guardrail['reset_interval'];
    if (interval !== undefined && interval !== null && !RESET_INTERVALS.includes(interval as string)) report(`${path}.reset_interval`, 'must be "daily", "weekly", "monthly" or null');
    optionalStringList(guardrail, 'allowed_models', path, report);
    optionalStringList(guardrail, 'allowed_providers', path, report);
    optionalTimestamp(guardrail, 'created_at', path, report);
    optionalTimestamp(guardrail, 'updated_at', path, report);
    const assigned = optionalArray(guardrail, 'members', path, report);
    if (id === undefined) return;
    if (!isUuid(id)) report(`${path}.id`, `"${id}" is not a UUID`);
    if (guardrailFacts.has(id)) report(`${path}.id`, `duplicate guardrail id "${id}"`);
    guardrailFacts.set(id, { workspaceId: typeof workspaceId === 'string' ? workspaceId : null, members: assigned });
  });

  const workspaceMembers = new Map<string, Set<string>>();
  const slugs = new Set<string>();
  const keyHashes = new Set<string>();
  const seenWorkspaceIds = new Set<string>();
  const defaultGuardrails = new Set<string>();
  const defaultIndex = defaultWorkspaceIndex(workspaces);
  let defaultCount = 0;
  workspaces.forEach((workspace, index) => {
    const path = `workspaces[${index}]`;
    if (!isObject(workspace)) return report(path, 'must be an object');
    const id = requireString(workspace, 'id', path, report);
    const slug = requireString(workspace, 'slug', path, report);
    requireString(workspace, 'name', path, report);
    nullableString(workspace, 'description', path, report);
    if (workspace['created_by'] !== undefined) nullableString(workspace, 'created_by', path, report);
    optionalTimestamp(workspace, 'created_at', path, report);
    optionalTimestamp(workspace, 'updated_at', path, report);
    if (id !== undefined) {
      if (!isUuid(id)) report(`${path}.id`, `"${id}" is not a UUID`);
      if (seenWorkspaceIds.has(id)) report(`${path}.id`, `duplicate workspace id "${id}"`);
      seenWorkspaceIds.add(id);
    }
    const isDefault = index === defaultIndex;
    if (workspace['is_default'] !== undefined && typeof workspace['is_default'] !== 'boolean') report(`${path}.is_default`, 'must be a boolean');
    if (workspace['is_default'] === true && ++defaultCount > 1) report(`${path}.is_default`, 'only one workspace can be the default workspace');
    if (slug !== undefined) {
      if (!SLUG_PATTERN.test(slug)) report(`${path}.slug`, `"${slug}" must be lower-case letters, digits and dashes`);
      if (slugs.has(slug)) report(`${path}.slug`, `duplicate slug "${slug}"`);
      slugs.add(slug);
    }
    const defaultGuardrailId = requireString(workspace, 'default_guardrail_id', path, report);
    if (defaultGuardrailId !== undefined) {
      const facts = guardrailFacts.get(defaultGuardrailId);
      if (!isUuid(defaultGuardrailId)) report(`${path}.default_guardrail_id`, `"${defaultGuardrailId}" is not a UUID`);
      else if (facts !== undefined && facts.workspaceId !== id) report(`${path}.default_guardrail_id`, `guardrail "${defaultGuardrailId}" belongs to another workspace`);
      defaultGuardrails.add(defaultGuardrailId);
    }
    const members = optionalArray(workspace, 'members', path, report);
    if (isDefault && members.length > 0) report(`${path}.members`, 'the default workspace has implicit membership (every organization member); leave it empty');
    const memberSet = new Set<string>();
    members.forEach((userId, memberIndex) => {
      const memberPath = `${path}.members[${memberIndex}]`;
      if (typeof userId !== 'string') return report(memberPath, 'must be a user id');
      if (!memberIds.has(userId)) report(memberPath, `"${userId}" is not an organization member`);
      if (memberSet.has(userId)) report(memberPath, `"${userId}" is listed twice`);
      memberSet.add(userId);
    });
    if (id !== undefined) workspaceMembers.set(id, isDefault ? memberIds : memberSet);
    optionalArray(workspace, 'active_key_holders', path, report).forEach((userId, holderIndex) => {
      const holderPath = `${path}.active_key_holders[${holderIndex}]`;
      if (typeof userId !== 'string') return report(holderPath, 'must be a user id');
      if (!(isDefault ? memberIds : memberSet).has(userId)) report(holderPath, `"${userId}" is not a member of this workspace`);
    });
    optionalArray(workspace, 'keys', path, report).forEach((key, keyIndex) => {
      const keyPath = `${path}.keys[${keyIndex}]`;
      if (!isObject(key)) return report(keyPath, 'must be an object');
      const hash = requireString(key, 'hash', keyPath, report);
      requireString(key, 'name', keyPath, report);
      requireString(key, 'label', keyPath, report);
      if (key['disabled'] !== undefined && typeof key['disabled'] !== 'boolean') report(`${keyPath}.disabled`, 'must be a boolean');
      if (key['creator_user_id'] !== undefined) nullableString(key, 'creator_user_id', keyPath, report);
      optionalTimestamp(key, 'created_at', keyPath, report);
      if (hash !== undefined) {
        if (keyHashes.has(hash)) report(`${keyPath}.hash`, `duplicate key hash "${hash}"`);
        keyHashes.add(hash);
      }
      const guardrailId = key['guardrail_id'];
      if (guardrailId === undefined || guardrailId === null) return;
      if (typeof guardrailId !== 'string') return report(`${keyPath}.guardrail_id`, 'must be a guardrail id or null');
      const facts = guardrailFacts.get(guardrailId);
      if (facts === undefined) report(`${keyPath}.guardrail_id`, `no guardrail has id "${guardrailId}"`);
      else if (facts.workspaceId !== null && facts.workspaceId !== id) report(`${keyPath}.guardrail_id`, `guardrail "${guardrailId}" belongs to another workspace`);
    });
  });
  checkScimMappings(value, workspaceIds, report);

  // One direct guardrail per member per workspace, and only where assignment is allowed.
  const holderByWorkspace = new Map<string, Map<string, string>>();
  guardrails.forEach((guardrail, index) => {
    if (!isObject(guardrail) || typeof guardrail['id'] !== 'string') return;
    const facts = guardrailFacts.get(guardrail['id']);
    if (facts === undefined) return;
    const path = `guardrails[${index}].members`;
    if (facts.members.length === 0) return;
    if (facts.workspaceId === null) return report(path, 'a legacy guardrail (no workspace) cannot have members');
    if (defaultGuardrails.has(guardrail['id'])) return report(path, "a workspace's default guardrail cannot have direct members");
    const allowed = workspaceMembers.get(facts.workspaceId);
    let holders = holderByWorkspace.get(facts.workspaceId);
    if (holders === undefined) holderByWorkspace.set(facts.workspaceId, (holders = new Map()));
    facts.members.forEach((userId, memberIndex) => {
      const memberPath = `${path}[${memberIndex}]`;
      if (typeof userId !== 'string') return report(memberPath, 'must be a user id');
      if (!memberIds.has(userId)) return report(memberPath, `"${userId}" is not an organization member`);
      if (allowed !== undefined && !allowed.has(userId)) return report(memberPath, `"${userId}" is not a member of the guardrail's workspace`);
      const other = holders.get(userId);
      if (other !== undefined) return report(memberPath, `"${userId}" already holds guardrail ${other} in this workspace (one guardrail per member per workspace)`);
      holders.set(userId, guardrail['id'] as string);
    });
  });
}

type Report = (path: string, message: string) => void;

/** The index of the default workspace: the one marked `is_default`, else the one with the slug `default`; -1 for none. */
export function defaultWorkspaceIndex(workspaces: readonly unknown[]): number {
  const marked = workspaces.some((workspace) => isObject(workspace) && workspace['is_default'] !== undefined);
  return workspaces.findIndex((workspace) =>
    isObject(workspace) && (marked ? workspace['is_default'] === true : workspace['slug'] === 'default'),
  );
}

function checkScimMappings(state: Json, workspaceIds: Set<string>, report: Report): void {
  const status = state['scim_unavailable_status'];
  if (status !== undefined && status !== 403 && status !== 404) report('(root).scim_unavailable_status', 'must be 403 or 404');
  if (state['scim_group_mappings'] === undefined) return;
  requireArray(state, 'scim_group_mappings', '(root)', report).forEach((mapping, index) => {
    const path = `scim_group_mappings[${index}]`;
    if (!isObject(mapping)) return report(path, 'must be an object');
    requireString(mapping, 'id', path, report);
    requireString(mapping, 'scim_group_id', path, report);
    const workspaceId = requireString(mapping, 'workspace_id', path, report);
    if (workspaceId !== undefined && !workspaceIds.has(workspaceId)) report(`${path}.workspace_id`, `no workspace has id "${workspaceId}"`);
    if (mapping['role'] !== 'admin' && mapping['role'] !== 'member') report(`${path}.role`, 'must be "admin" or "member"');
    optionalTimestamp(mapping, 'created_at', path, report);
  });
}

function requireString(object: Json, field: string, path: string, report: Report): string | undefined {
  const value = object[field];
  if (typeof value !== 'string' || value.length === 0) {
    report(`${path}.${field}`, 'must be a non-empty string');
    return undefined;
  }
  return value;
}

function nullableString(object: Json, field: string, path: string, report: Report): void {
  const value = object[field];
  if (value !== null && typeof value !== 'string') report(`${path}.${field}`, 'must be a string or null');
}

function requireArray(object: Json, field: string, path: string, report: Report): unknown[] {
  const value = object[field];
  if (!Array.isArray(value)) {
    report(`${path}.${field}`, 'must be an array');
    return [];
  }
  return value;
}

function optionalArray(object: Json, field: string, path: string, report: Report): unknown[] {
  if (object[field] === undefined) return [];
  return requireArray(object, field, path, report);
}

function optionalStringList(object: Json, field: string, path: string, report: Report): void {
  const value = object[field];
  if (value === undefined || value === null) return;
  if (!Array.isArray(value) || value.some((entry) => typeof entry !== 'string')) report(`${path}.${field}`, 'must be an array of strings or null');
}

function optionalTimestamp(object: Json, field: string, path: string, report: Report): void {
  const value = object[field];
  if (value === undefined || value === null) return;
  if (typeof value !== 'string' || !ISO_PATTERN.test(value) || Number.isNaN(Date.parse(value))) {
    report(`${path}.${field}`, 'must be an ISO 8601 timestamp such as 2025-01-31T09:00:00Z');
  }
}
