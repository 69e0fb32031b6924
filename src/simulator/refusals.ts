/**
 * Every refusal of the simulated API that is a rule of the domain (api.md,
 * "Rules of the domain"), written once for the HTTP routes and the
 * in-memory provider alike. Each returns or throws a `SimulatorError` whose
 * `metadata.reason` names the rule.
 */
import { SimulatorError, badRequest } from './errors.js';
import type { ApiKeyRecord, GuardrailRecord, OrgMemberRecord, WorkspaceRecord } from './records.js';

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

/** The mode with its defaults filled in; throws an Error naming a field outside its values. */
export function resolveRefusalMode(mode: RefusalMode = {}): Required<RefusalMode> {
  const resolved = { status: mode.status ?? 400, scope: mode.scope ?? 'batch', naming: mode.naming ?? 'metadata' } as const;
  const allowed = { status: [400, 403], scope: ['batch', 'member'], naming: ['metadata', 'message', 'none'] };
  for (const [field, values] of Object.entries(allowed)) {
    const value = resolved[field as keyof RefusalMode];
    if (!(values as unknown[]).includes(value)) throw new Error(`refusal.${field} must be one of ${values.join(', ')}, got ${String(value)}`);
  }
  return resolved;
}

/** Why a workspace member cannot be removed from it, if they cannot. */
export interface RemovalObstacle {
  message: string;
  reason: 'active_api_keys' | 'scim_managed';
}

export function removalObstacle(member: OrgMemberRecord, described: string, holdsActiveKeys: boolean): RemovalObstacle | undefined {
  if (holdsActiveKeys) return { message: `${described} has active API keys in this workspace`, reason: 'active_api_keys' };
  if (member.scimManaged) return { message: `${described} is managed by SCIM; remove them in the identity provider`, reason: 'scim_managed' };
  return undefined;
}

export function removalRefusal(mode: Required<RefusalMode>, userId: string, obstacle: RemovalObstacle): SimulatorError {
  if (mode.naming === 'none') {
    return new SimulatorError(mode.status, 'A member of this batch cannot be removed from the workspace: they hold active API keys here or are managed by SCIM');
  }
  return new SimulatorError(mode.status, obstacle.message, { userId: mode.naming === 'metadata' ? userId : null, metadata: { reason: obstacle.reason } });
}

/** Membership of the default workspace is implicit: nobody is added to or removed from it. */
export function refuseDefaultWorkspace(workspace: WorkspaceRecord, verb: 'added to' | 'removed from'): void {
  if (!workspace.isDefault) return;
  throw badRequest(`Members cannot be ${verb} the default workspace: its membership is implicit (every organization member)`, null, {
    reason: 'default_workspace',
  });
}

export function notOrganizationMember(userId: string): SimulatorError {
  return badRequest(`${userId} is not a member of this organization`, userId, { reason: 'not_organization_member' });
}

/** Outside the default workspace, only its members can be assigned to its guardrails. */
export function notWorkspaceMember(userId: string, described: string, workspace: WorkspaceRecord): SimulatorError {
  return badRequest(`${described} is not a member of workspace ${workspace.slug}; add them to the workspace first`, userId, {
    reason: 'not_workspace_member',
  });
}

/**
 * The guardrail's workspace, or 400 when nothing can be assigned to the
 * guardrail: a legacy guardrail (no workspace) or a workspace's default
 * guardrail, which applies to everyone without a direct assignment.
 */
export function requireAssignable(guardrail: GuardrailRecord, workspaceOf: (id: string) => WorkspaceRecord, subject: 'members' | 'keys'): WorkspaceRecord {
  if (guardrail.workspaceId === null) {
    throw badRequest(`Guardrail ${guardrail.name} has no workspace (legacy guardrail) and cannot be assigned to ${subject}`, null, {
      reason: 'legacy_guardrail',
    });
  }
  const workspace = workspaceOf(guardrail.workspaceId);
  if (workspace.defaultGuardrailId === guardrail.id) {
    throw badRequest(
      `Guardrail ${guardrail.name} is the default guardrail of workspace ${workspace.slug}: it applies to everything without a direct assignment and cannot be assigned to ${subject}`,
      null,
      { reason: 'default_guardrail' },
    );
  }
  return workspace;
}

/** A key holds guardrails of its own workspace only. */
export function keyOfAnotherWorkspace(key: ApiKeyRecord, guardrail: GuardrailRecord): SimulatorError {
  return badRequest(`API key ${key.name} (${key.hash}) belongs to another workspace than guardrail ${guardrail.name}`, null, {
    reason: 'key_in_other_workspace',
    key_hash: key.hash,
  });
}
