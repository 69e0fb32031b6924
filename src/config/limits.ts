/**
 * Limits that keep hostile or accidental input (a generated file, a binary,
 * an alias bomb) to a fast, located error instead of a hang or an
 * out-of-memory crash, while a file for 1,000,000 memberships (what
 * `export` writes for such an organization, about 80 MB) still loads.
 *
 * Two tiers: files in plain block style (`key:` lines and `- entry` lists,
 * what `export` writes) are read in one pass (`block-yaml.ts`) and may be
 * large; any other YAML goes through the yaml package, which needs far more
 * time and memory per entry, so such files are held to the smaller limits.
 */

/** Checked before anything else is done with the text; `readConfig` checks it before reading. */
export const MAX_FILE_BYTES = 128 * 1024 * 1024;

/** Entries in one list or mapping: every member of a 1,000,000-membership organization in one workspace. */
export const MAX_LIST_ENTRIES = 1_000_000;

/**
 * Entries (list items and mapping keys) in the whole file: 1,000,000
 * memberships, as many guardrail assignments, and room to spare.
 */
export const MAX_FILE_ENTRIES = 2_500_000;

/** Largest file read with the yaml package: anything larger must keep to plain block style. */
export const MAX_FULL_YAML_BYTES = 5 * 1024 * 1024;

/** Entries in one list or mapping, for files read with the yaml package. */
export const MAX_FULL_YAML_LIST_ENTRIES = 50_000;

/** Entries in the whole file, for files read with the yaml package: about 8 µs each, so the worst case stays near a second. */
export const MAX_FULL_YAML_ENTRIES = 100_000;

/** Tokens the YAML lexer may produce: bounds files of blank lines, comments or tags. */
export const MAX_TOKENS = 1_000_000;

/** Nesting of collections. A gatesync file needs 6; the YAML composer recurses per level. */
export const MAX_DEPTH = 32;

/**
 * Anchors (`&name`) and aliases (`*name`). The yaml package resolves each
 * alias by a scan over all anchors and aliases, so their number must stay small.
 */
export const MAX_ANCHORS = 1_000;
export const MAX_ALIASES = 1_000;

/** Nodes the document may grow to once aliases are expanded: stops "billion laughs". */
export const MAX_EXPANDED_NODES = 100_000;

/** Passed to the yaml package as its own alias guard, behind ours. */
export const YAML_MAX_ALIAS_COUNT = 100;

/** Member references after `group:` expansion, summed over every list in the file: as many as a file may hold. */
export const MAX_EXPANDED_MEMBERS = MAX_FILE_ENTRIES;

/** Groups may nest, but not deeper than this. */
export const MAX_GROUP_NESTING = 32;

/** Diagnostics returned by one load; the rest are summarized in one last error. */
export const MAX_REPORTED_DIAGNOSTICS = 200;
