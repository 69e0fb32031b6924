/**
 * The desired state: the file after online resolution, keyed by ids.
 * Only what is here is managed; everything else is left alone.
 */
import type { SafetyLimits } from './config.js';
import type { GuardrailInfo, WorkspaceInfo } from './org.js';

/** Why a member is wanted: the group that brought them in, if any. */
export interface MemberSource {
  via?: string;
}

export interface DesiredGuardrail {
  info: GuardrailInfo;
  /** User ids wanted here; `undefined`: the file leaves its member assignments alone. */
  members?: Map<string, MemberSource>;
  /** Hashes of the keys wanted here; `undefined`: the file leaves its keys alone. */
  keys?: Set<string>;
  prune: boolean;
  allowEmpty: boolean;
}

export interface DesiredWorkspace {
  info: WorkspaceInfo;
  /** `undefined`: the file leaves this workspace's membership unmanaged. */
  members?: Map<string, MemberSource>;
  prune: boolean;
  allowEmpty: boolean;
  /** User ids never removed or unassigned here. */
  protected: Set<string>;
  /** Key hashes never unassigned here; unset: none. */
  protectedKeys?: Set<string>;
  safety: SafetyLimits;
  /** Managed guardrails by id. */
  guardrails: Map<string, DesiredGuardrail>;
}

export interface Desired {
  workspaces: DesiredWorkspace[];
}
