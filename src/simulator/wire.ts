/**
 * Records → JSON answers, snake_case as on the wire. Each shape carries every
 * field the official @openrouter/sdk's zod schemas require (models/workspace,
 * guardrail, workspacemember, memberassignment, keyassignment and
 * operations/listorganizationmembers), with the neutral values a freshly
 * created resource has.
 */
import type {
  ApiKeyRecord,
  AssignmentRecord,
  GuardrailRecord,
  KeyAssignmentRecord,
  MembershipRecord,
  OrgMemberRecord,
  ScimMappingRecord,
  WorkspaceRecord,
} from './records.js';

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

/** `key` is the assigned key, `undefined` once it is gone. */
export function keyAssignmentJson(assignment: KeyAssignmentRecord, key: ApiKeyRecord | undefined): Record<string, unknown> {
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

/** A key as `GET /keys` lists it: usage counters and limits at the neutral values of an unused key. */
export function apiKeyJson(key: ApiKeyRecord): Record<string, unknown> {
  return {
    hash: key.hash,
    name: key.name,
    label: key.label,
    disabled: key.disabled,
    workspace_id: key.workspaceId,
    creator_user_id: key.creatorUserId,
    external_user: null,
    created_at: key.createdAt,
    updated_at: null,
    limit: null,
    limit_remaining: null,
    limit_reset: null,
    include_byok_in_limit: false,
    usage: 0,
    usage_daily: 0,
    usage_weekly: 0,
    usage_monthly: 0,
    byok_usage: 0,
    byok_usage_daily: 0,
    byok_usage_weekly: 0,
    byok_usage_monthly: 0,
  };
}

export function scimMappingJson(mapping: ScimMappingRecord, organizationId: string): Record<string, unknown> {
  return {
    id: mapping.id,
    organization_id: organizationId,
    scim_group_id: mapping.scimGroupId,
    workspace_id: mapping.workspaceId,
    role: mapping.role,
    created_at: mapping.createdAt,
    updated_at: mapping.createdAt,
  };
}
