/**
 * Records → JSON answers, snake_case as on the wire. Each shape carries every
 * field the official @openrouter/sdk's zod schemas require (models/workspace,
 * guardrail, workspacemember, memberassignment, keyassignment and
 * operations/listorganizationmembers), with the neutral values a freshly
 * created resource has.
 */
import type {
  AssignmentRecord,
  GuardrailRecord,
  KeyAssignmentRecord,
  MembershipRecord,
  OrgMemberRecord,
  SimulatorStore,
  WorkspaceRecord,
} from './store.js';

export function orgMemberJson(member: OrgMemberRecord): Record<string, unknown> {
  return {
    id: member.id,
    email: member.email,
    first_name: member.firstName,
    last_name: member.lastName,
    role: member.role,
  };
}

/** The fields a workspace has both on the wire and in the state file. */
export function workspaceFields(workspace: WorkspaceRecord) {
  return {
    id: workspace.id,
    slug: workspace.slug,
    name: workspace.name,
    description: workspace.description,
    default_guardrail_id: workspace.defaultGuardrailId,
    created_by: workspace.createdBy,
    created_at: workspace.createdAt,
    updated_at: workspace.updatedAt,
  };
}

export function workspaceJson(workspace: WorkspaceRecord): Record<string, unknown> {
  return {
    ...workspaceFields(workspace),
    default_image_model: null,
    default_provider_sort: null,
    default_text_model: null,
    disabled_server_tools: null,
    include_byok_in_budgets: false,
    io_logging_api_key_ids: null,
    io_logging_sampling_rate: 1,
    is_data_discount_logging_enabled: false,
    is_observability_broadcast_enabled: false,
    is_observability_io_logging_enabled: false,
  };
}

export function workspaceMemberJson(membership: MembershipRecord): Record<string, unknown> {
  return {
    id: membership.id,
    user_id: membership.userId,
    workspace_id: membership.workspaceId,
    role: membership.role,
    created_at: membership.createdAt,
  };
}

export function guardrailJson(guardrail: GuardrailRecord): Record<string, unknown> {
  return {
    id: guardrail.id,
    name: guardrail.name,
    description: guardrail.description,
    workspace_id: guardrail.workspaceId,
    limit_usd: guardrail.limitUsd,
    reset_interval: guardrail.resetInterval,
    allowed_models: guardrail.allowedModels,
    allowed_providers: guardrail.allowedProviders,
    allowed_data_regions: null,
    ignored_models: null,
    ignored_providers: null,
    include_byok_in_budgets: false,
    enforce_zdr: false,
    created_at: guardrail.createdAt,
    updated_at: guardrail.updatedAt,
  };
}

export function memberAssignmentJson(assignment: AssignmentRecord, organizationId: string): Record<string, unknown> {
  return {
    id: assignment.id,
    user_id: assignment.userId,
    guardrail_id: assignment.guardrailId,
    organization_id: organizationId,
    assigned_by: assignment.assignedBy,
    created_at: assignment.createdAt,
  };
}

export function keyAssignmentJson(assignment: KeyAssignmentRecord, store: SimulatorStore): Record<string, unknown> {
  const key = store.getApiKey(assignment.keyHash);
  return {
    id: assignment.id,
    key_hash: assignment.keyHash,
    key_name: key?.name ?? '',
    key_label: key?.label ?? '',
    guardrail_id: assignment.guardrailId,
    assigned_by: assignment.assignedBy,
    created_at: assignment.createdAt,
  };
}
