/**
 * The Plan: what `plan` prints and `apply` executes. Plain data, so that it
 * round-trips through the saved JSON plan file unchanged.
 */
import type { SafetyLimits } from './config.js';

export interface UserLabel {
  userId: string;
  /** Empty when the organization does not know the user's email. */
  email: string;
}

interface ChangeBase extends UserLabel {
  workspaceId: string;
  workspaceSlug: string;
  /** Group that brought the member in, when the file listed them through one. */
  via?: string;
}

export interface AddMember extends ChangeBase {
  kind: 'add-member';
}

export interface RemoveMember extends ChangeBase {
  kind: 'remove-member';
}

export interface Assign extends ChangeBase {
  kind: 'assign';
  guardrailId: string;
  guardrailName: string;
}

/** A member moves from one guardrail of a workspace to another: one assign call on the new one. */
export interface Move extends ChangeBase {
  kind: 'move';
  guardrailId: string;
  guardrailName: string;
  fromGuardrailId: string;
  fromGuardrailName: string;
}

export interface Unassign extends ChangeBase {
  kind: 'unassign';
  guardrailId: string;
  guardrailName: string;
  /** Why: the file no longer lists the member there, or the member leaves the workspace. */
  reason: 'not-listed' | 'leaves-workspace';
}

export type Change = AddMember | RemoveMember | Assign | Move | Unassign;
export type ChangeKind = Change['kind'];

/** Fixed order of kinds: the order apply runs them in within a workspace. */
export const CHANGE_KIND_ORDER: readonly ChangeKind[] = ['add-member', 'assign', 'move', 'unassign', 'remove-member'];

/** A live member the plan deliberately leaves alone. */
export interface Kept extends UserLabel {
  reason: 'protected' | 'not-in-file';
  workspaceId: string;
  workspaceSlug: string;
  /** Set when the member is kept on a guardrail; absent for workspace membership. */
  guardrailId?: string;
  guardrailName?: string;
}

/**
 * A resource the plan read: a workspace's membership or a guardrail's
 * assignments. `userIds` (sorted) and `fingerprint` record what was observed,
 * so a saved plan can tell whether the organization changed since.
 */
export interface PlannedResource {
  type: 'workspace' | 'guardrail';
  id: string;
  label: string;
  workspaceId: string;
  workspaceSlug: string;
  /** Whether the file manages this resource's members (false for guardrails it only reads). */
  managed: boolean;
  allowEmpty: boolean;
  safety: SafetyLimits;
  userIds: string[];
  fingerprint: string;
}

export interface PlanSummary {
  add: number;
  remove: number;
  assign: number;
  unassign: number;
  move: number;
  workspaces: number;
  total: number;
}

export interface Plan {
  changes: Change[];
  kept: Kept[];
  resources: PlannedResource[];
  summary: PlanSummary;
  /** What the reviewer should know beyond the changes: data the reads left out, changes the organization may undo. */
  warnings: string[];
}
