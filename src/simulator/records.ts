/**
 * The records the simulator keeps, camelCase, one per resource of api.md;
 * `wire.ts` turns them into the API's snake_case answers.
 */
import type { OrgRole, ResetInterval } from './state.js';

export interface OrgMemberRecord {
  id: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  role: OrgRole;
  scimManaged: boolean;
  createdAt: string;
  /** Id of the implicit membership in the default workspace. */
  defaultMembershipId: string;
}

export interface WorkspaceRecord {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  defaultGuardrailId: string;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string | null;
  isDefault: boolean;
}

export type WorkspaceRole = 'admin' | 'member';

export interface MembershipRecord {
  id: string;
  userId: string;
  workspaceId: string;
  role: WorkspaceRole;
  createdAt: string;
}

export interface GuardrailRecord {
  id: string;
  name: string;
  description: string | null;
  workspaceId: string | null;
  limitUsd: number | null;
  resetInterval: ResetInterval | null;
  allowedModels: string[] | null;
  allowedProviders: string[] | null;
  createdAt: string;
  updatedAt: string | null;
}

export interface AssignmentRecord {
  id: string;
  userId: string;
  guardrailId: string;
  assignedBy: string | null;
  createdAt: string;
}

export interface ApiKeyRecord {
  hash: string;
  name: string;
  label: string;
  workspaceId: string;
  disabled: boolean;
  /** The member who created the key; while it is enabled they hold active API keys in its workspace. */
  creatorUserId: string | null;
  createdAt: string;
}

export interface ScimMappingRecord {
  id: string;
  scimGroupId: string;
  workspaceId: string;
  role: WorkspaceRole;
  createdAt: string;
}

export interface KeyAssignmentRecord {
  id: string;
  keyHash: string;
  guardrailId: string;
  assignedBy: string | null;
  createdAt: string;
}

/** Assignments left behind by a removal: what the real API does with them is undocumented. */
export interface OrphanedAssignment {
  userId: string;
  workspace: WorkspaceRecord;
  guardrail: GuardrailRecord;
}

export interface RemovalResult {
  removed: string[];
  orphaned: OrphanedAssignment[];
}

export interface AssignResult {
  assigned: number;
  /** Members who held another guardrail of the workspace and were moved. */
  moved: Array<{ userId: string; from: GuardrailRecord }>;
}

export interface StateSnapshot {
  /** Non-default workspaces only: user ids, sorted. */
  workspaceMembers: Record<string, string[]>;
  /** Every guardrail: directly assigned user ids, sorted. */
  assignments: Record<string, string[]>;
}

/** Members are added with the role they hold in the organization. */
export function workspaceRole(role: OrgRole): WorkspaceRole {
  return role === 'org:admin' ? 'admin' : 'member';
}
