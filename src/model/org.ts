/**
 * The organization's entities as gatesync reads them: what every stage may
 * name, whichever provider produced it.
 */

export interface OrgMember {
  userId: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  role: 'org:admin' | 'org:member' | string;
}

export interface WorkspaceInfo {
  id: string;
  slug: string;
  name: string;
  defaultGuardrailId: string | null;
}

export interface GuardrailInfo {
  id: string;
  name: string;
  workspaceId: string | null;
}

/** An API key of a workspace: `hash` is its stable id, `name` what people call it, `label` a masked form of the key. */
export interface KeyInfo {
  hash: string;
  name: string;
  label: string;
  workspaceId: string;
}

export interface AssignmentInfo {
  userId: string;
  guardrailId: string;
}

export interface KeyAssignmentInfo {
  keyHash: string;
  guardrailId: string;
}

/** The listings that answer for the default workspace when asked without a `workspace_id`. */
export type DefaultWorkspaceListing = 'guardrails' | 'keys';

export interface ScimMappings {
  /** Workspaces that SCIM group mappings add members to. */
  workspaceIds: Set<string>;
  /** False when the organization has more mappings than the one page read. */
  complete: boolean;
}
