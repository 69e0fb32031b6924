/**
 * The configuration file as gatesync understands it after the offline checks:
 * every entry carries where it came from, so that later stages (online
 * resolution, safety) can point at the line that caused a problem.
 */

/** A place in the configuration file. `line` and `col` are 1-based. */
export interface SourceLocation {
  file: string;
  line: number;
  col: number;
  /** JSON path of the node, e.g. `/workspaces/research/members/0`. */
  path: string;
}

export interface Diagnostic {
  severity: 'error' | 'warning';
  message: string;
  hint?: string;
  location: SourceLocation;
  /** The other place a conflict involves, e.g. where a workspace was first declared. */
  related?: RelatedLocation;
}

export interface RelatedLocation {
  location: SourceLocation;
  /** What is at `location`, e.g. `first declared here`. */
  message: string;
}

/**
 * One entry of a member list after group expansion. `ref` is normalized:
 * emails are trimmed and lower-cased, user ids are kept as written.
 */
export interface MemberRef {
  kind: 'email' | 'user_id';
  ref: string;
  location: SourceLocation;
  /** Name of the group that brought this member in (outermost group first). */
  via?: string;
  /**
   * Where the list names that group (`- group:NAME`), when `via` is set.
   * `location` is then where the member itself is written, inside `groups:`.
   */
  viaLocation?: SourceLocation;
}

export interface SafetyLimits {
  /** Largest share (0–100) of a resource's current members one plan may remove or unassign. */
  maxRemovalPercent: number;
  /** The percentage rule applies only to resources with at least this many members. */
  minExisting: number;
  /** Largest number of removals and unassigns in one plan; `undefined` means no limit. */
  maxRemovals?: number;
}

export const DEFAULT_SAFETY: SafetyLimits = { maxRemovalPercent: 25, minExisting: 10 };

/** An API key named in the file: its name or its hash, as written. */
export interface KeyRef {
  ref: string;
  location: SourceLocation;
}

export interface GuardrailConfig {
  /** Guardrail name within its workspace, or its UUID, as written. */
  key: string;
  location: SourceLocation;
  /** `undefined` when the long form has no `members`: the guardrail's member assignments are then unmanaged. */
  members?: MemberRef[];
  /** `undefined` when `keys` is absent: the guardrail's key assignments are then unmanaged. */
  keys?: KeyRef[];
  /** `false`: assign only, never unassign members or keys the file does not list. */
  prune: boolean;
  allowEmpty: boolean;
}

export interface WorkspaceConfig {
  /** Workspace slug or UUID, as written. */
  key: string;
  location: SourceLocation;
  /** `undefined` when the `members` key is absent: membership is then unmanaged. */
  members?: MemberRef[];
  membersLocation?: SourceLocation;
  guardrails: GuardrailConfig[];
  prune: boolean;
  allowEmpty: boolean;
  /** Members never removed or unassigned in this workspace (top-level list included). */
  protected: MemberRef[];
  /** Keys never unassigned in this workspace (`key:` entries of the `protected` lists). */
  protectedKeys: KeyRef[];
  /** Effective limits for this workspace (top-level `safety:` merged with its own). */
  safety: SafetyLimits;
}

/** One file of the configuration, as read. */
export interface ConfigFile {
  path: string;
  /** sha256 of the file's bytes. */
  sha256: string;
}

export interface Config {
  /** The configuration as named on the command line: one file, or what `-c` named. */
  file: string;
  version: 1;
  workspaces: WorkspaceConfig[];
  /** File-wide limits (top-level `safety:` over the defaults); they govern the plan's total removals. */
  safety: SafetyLimits;
  /**
   * Recorded in saved plans: for one file, the sha256 of its bytes; for
   * several, the sha256 of their paths and hashes in order.
   */
  hash: string;
  /** Every file read, in the order they were merged. A workspace's `location.file` names the one declaring it. */
  files: ConfigFile[];
}

export interface LoadResult {
  config?: Config;
  errors: Diagnostic[];
  warnings: Diagnostic[];
}
