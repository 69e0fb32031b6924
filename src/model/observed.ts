/**
 * The live state as read for one file: what resolution and the planner see
 * of the organization, and what the file asks to be read.
 */
import type { GuardrailInfo, KeyInfo, OrgMember, WorkspaceInfo } from './org.js';

export interface ObservedGuardrail {
  info: GuardrailInfo;
  members: Set<string>;
  /** Hashes of the keys assigned to it; read only in a workspace whose keys were read. */
  keys?: Set<string>;
}

export interface ObservedWorkspace {
  info: WorkspaceInfo;
  /** Treated as the organization's default workspace: its membership is implicit and never written. */
  isDefault: boolean;
  /** Set with `isDefault` when this workspace holds every organization member and no listing named the default workspace. */
  defaultUnproven?: boolean;
  /** User ids; for the default workspace, every organization member; empty when `membersUnread`. */
  members: Set<string>;
  /**
   * Set when the file leaves this workspace's membership unmanaged: its
   * member listing was not read (nothing the plan does depends on it, and a
   * non-member assigned to a guardrail here is refused by the API, by name).
   */
  membersUnread?: true;
  guardrails: Map<string, ObservedGuardrail>;
  /** The workspace's API keys by hash; read only when a guardrail of the file lists `keys` here. */
  keys?: Map<string, KeyInfo>;
}

export interface Observed {
  orgMembers: Map<string, OrgMember>;
  /** Workspaces by the key the file used; `undefined` when no workspace answers to it. */
  workspacesByKey: Map<string, ObservedWorkspace | undefined>;
  /** Every workspace of the organization: read only when a key matched none or when listing them was the cheaper lookup. */
  allWorkspaces?: WorkspaceInfo[];
  /** Guardrails named by UUID that are not in their workspace: where they really belong, if anywhere. */
  foreignGuardrails: Map<string, GuardrailInfo | undefined>;
  /** What the reads found odd and left out, for the plan to show; unset: nothing. */
  warnings?: string[];
  /**
   * The workspaces holding each key of the organization's other workspaces,
   * by the key's hash and by its name: read only for a file that lists a key
   * its workspace does not have, to say where the key belongs.
   */
  keysElsewhere?: Map<string, string[]>;
}

/** What to read: the workspace keys of the file and, per key, its guardrail keys. */
export interface Scope {
  workspaces: Array<{
    key: string;
    guardrailKeys: string[];
    /**
     * Whether the file may write this workspace's membership; unset counts as
     * yes. Only such a workspace needs proof that it is not the default one.
     */
    managesMembers?: boolean;
    /** Whether a guardrail of the file lists `keys` here: only then are the workspace's keys and key assignments read. */
    readsKeys?: boolean;
  }>;
}
