/**
 * The file's shape as `schemas/gatesync.schema.json` describes it: what the
 * YAML holds once it passes the schema, before groups are expanded and
 * defaults applied. Keys are spelled as in the file.
 */

export interface RawSafety {
  max_removal_percent?: number;
  min_existing?: number;
  max_removals?: number;
}

/** At least one of `members` and `keys` (the schema's `anyOf`): each one present is managed. */
export interface RawGuardrailOptions {
  members?: string[];
  keys?: string[];
  prune?: boolean;
  allow_empty?: boolean;
}

/** Short form (the member list) or long form (with options). */
export type RawGuardrail = string[] | RawGuardrailOptions;

export interface RawWorkspace {
  members?: string[];
  prune?: boolean;
  allow_empty?: boolean;
  protected?: string[];
  safety?: RawSafety;
  guardrails?: Record<string, RawGuardrail>;
}

export interface RawConfig {
  version: 1;
  groups?: Record<string, string[]>;
  safety?: RawSafety;
  protected?: string[];
  /** Absent in a file of a split configuration that only defines groups or top-level settings. */
  workspaces?: Record<string, RawWorkspace>;
}
