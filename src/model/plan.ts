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

/** An API key as a plan names it: `keyHash` is its id; name and label are what people recognise. */
export interface KeyLabel {
  keyHash: string;
  keyName: string;
  keyLabel: string;
}

interface KeyChangeBase extends KeyLabel {
  workspaceId: string;
  workspaceSlug: string;
  guardrailId: string;
  guardrailName: string;
}

export interface AssignKey extends KeyChangeBase {
  kind: 'assign-key';
}

/** A key moves from one guardrail of its workspace to another: one assign call on the new one. */
export interface MoveKey extends KeyChangeBase {
  kind: 'move-key';
  fromGuardrailId: string;
  fromGuardrailName: string;
}

export interface UnassignKey extends KeyChangeBase {
  kind: 'unassign-key';
}

export type MemberChange = AddMember | RemoveMember | Assign | Move | Unassign;
export type KeyChange = AssignKey | MoveKey | UnassignKey;
export type Change = MemberChange | KeyChange;
export type ChangeKind = Change['kind'];

/** Fixed rank of each kind: the order apply runs them in within a workspace. Every kind has one, or this fails to compile. */
export const CHANGE_KIND_RANK: Readonly<Record<ChangeKind, number>> = {
  'add-member': 0,
  assign: 1,
  move: 2,
  'assign-key': 3,
  'move-key': 4,
  unassign: 5,
  'unassign-key': 6,
  'remove-member': 7,
};

interface KeptBase {
  reason: 'protected' | 'not-in-file';
  workspaceId: string;
  workspaceSlug: string;
}

/** A live member the plan deliberately leaves alone. */
export interface KeptMember extends KeptBase, UserLabel {
  /** Set when the member is kept on a guardrail; absent for workspace membership. */
  guardrailId?: string;
  guardrailName?: string;
}

/** A key the plan deliberately leaves on its guardrail. */
export interface KeptKey extends KeptBase, KeyLabel {
  guardrailId: string;
  guardrailName: string;
}

export type Kept = KeptMember | KeptKey;

/**
 * A resource the plan read: a workspace's membership or a guardrail's
 * assignments. `userIds` (sorted) and `fingerprint` record what was observed,
 * so a saved plan can tell whether the organization changed since.
 */
export interface PlannedResource {
  /** `guardrail-keys`: the guardrail's key assignments, read only when the file manages them. */
  type: ResourceType;
  id: string;
  label: string;
  workspaceId: string;
  workspaceSlug: string;
  /** Whether the file manages this resource's members (false for guardrails it only reads). */
  managed: boolean;
  allowEmpty: boolean;
  safety: SafetyLimits;
  /** What it held: user ids, or key hashes for `guardrail-keys`. */
  userIds: string[];
  fingerprint: string;
}

export type ResourceType = 'workspace' | 'guardrail' | 'guardrail-keys';

export interface PlanSummary {
  add: number;
  remove: number;
  assign: number;
  unassign: number;
  move: number;
  assignKeys: number;
  unassignKeys: number;
  moveKeys: number;
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
