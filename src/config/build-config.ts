/**
 * From the schema-checked files to one `Config`: groups expanded, defaults
 * applied, top-level `safety` and `protected` merged into each workspace,
 * and the checks that need more than one entry at a time (a member under two
 * guardrails, a guardrail member missing from `members`, empty lists, a
 * configuration that manages nothing).
 *
 * A configuration is one file or several, merged: `workspaces`, `groups` and
 * `protected` are the union of every file's, and a group defined in one file
 * may be named in any other. A workspace key or a group written in two
 * files, or top-level `safety` that two files set differently, is an error
 * at the second place naming the first.
 */
import { createHash } from 'node:crypto';
import { Diagnostics } from './diagnostics.js';
import { place } from './format-diagnostic.js';
import { groupsOf, MemberListExpander, type GroupDefinition } from './groups.js';
import { KEY_PREFIX, memberRefKey } from '../model/member-refs.js';
import { lookupKey } from '../model/normalize.js';
import type { RawConfig, RawGuardrail, RawSafety, RawWorkspace } from './raw-config.js';
import {
  DEFAULT_SAFETY,
  type ConfigFile,
  type GuardrailConfig,
  type KeyRef,
  type LoadResult,
  type MemberRef,
  type SafetyLimits,
  type SourceLocation,
  type WorkspaceConfig,
} from '../model/config.js';
import type { Locator, PathSegment } from './yaml-locations.js';

/** One file that passed the JSON Schema. */
export interface ParsedConfig {
  raw: RawConfig;
  locator: Locator;
  /** sha256 of the file's bytes. */
  hash: string;
}

/** Merges and builds the files in the order given; that order decides which of two conflicting places is "first". */
export function buildConfig(parts: readonly ParsedConfig[]): LoadResult {
  const steps = buildSteps(parts);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * `buildConfig` a workspace at a time: between steps the caller may let
 * other work run (`readConfigSet` lets the organization's answers in), since
 * a large file takes long enough to build that the network would wait.
 */
export function* buildSteps(parts: readonly ParsedConfig[]): Generator<void, LoadResult, void> {
  const diagnostics = new Diagnostics();
  const lists = new MemberListExpander(mergedGroups(parts, diagnostics), diagnostics);
  lists.checkGroups();
  const topProtected = parts.flatMap(({ raw, locator }) => (raw.protected === undefined ? [] : lists.expand(locator, ['protected'], raw.protected, isKeyEntry)));
  const topProtectedKeys = parts.flatMap(({ raw, locator }) => keyEntries(['protected'], raw.protected, locator));
  const safety = mergeSafety(DEFAULT_SAFETY, agreedSafety(parts, diagnostics));
  const workspaces: WorkspaceConfig[] = [];
  const declared = new Map<string, { key: string; location: SourceLocation }>();
  for (const { raw, locator } of parts) {
    const context: WorkspaceContext = { locator, diagnostics, lists, protected: topProtected, protectedKeys: topProtectedKeys, safety };
    for (const [key, workspace] of entriesInFileOrder(raw.workspaces ?? {}, ['workspaces'], locator)) {
      const location = locator.at(['workspaces', key], 'key');
      const first = declared.get(lookupKey(key));
      if (first !== undefined) {
        diagnostics.error(
          location,
          `workspace \`${key}\` is also declared at ${place(first.location)}`,
          'declare each workspace in one file only: merge the two blocks, or remove one',
          { location: first.location, message: `workspace \`${first.key}\` first declared here` },
        );
        continue;
      }
      declared.set(lookupKey(key), { key, location });
      workspaces.push(buildWorkspace(key, workspace, context));
      yield;
    }
  }

  lists.warnUnusedGroups();

  const managesSomething = (workspace: WorkspaceConfig): boolean =>
    workspace.members !== undefined || workspace.guardrails.length > 0;
  if (!workspaces.some(managesSomething)) {
    const { locator, raw } = parts[0]!;
    const why = parts.length === 1 && raw.workspaces === undefined ? 'it has no `workspaces`' : 'no workspace has `members` or `guardrails`';
    diagnostics.error(
      locator.at(['workspaces'], 'key'),
      `${parts.length === 1 ? 'this file manages' : `these ${parts.length} files manage`} nothing: ${why}`,
      'add `members:` to a workspace to manage its membership, or `guardrails:` to manage assignments',
    );
  } else {
    for (const workspace of workspaces.filter((candidate) => !managesSomething(candidate))) {
      diagnostics.warning(
        workspace.location,
        `workspace \`${workspace.key}\` manages nothing`,
        'add `members:` or `guardrails:` under it, or remove it',
      );
    }
  }

  if (diagnostics.errors.length > 0) return { errors: diagnostics.errors, warnings: diagnostics.warnings };
  const files: ConfigFile[] = parts.map(({ locator, hash }) => ({ path: locator.file, sha256: hash }));
  return {
    config: { file: files[0]!.path, version: 1, workspaces, safety, hash: setHash(files), files },
    errors: [],
    warnings: diagnostics.warnings,
  };
}

/**
 * One file's hash is the hash of its bytes, as saved plans have always
 * recorded it; several files hash their paths and hashes, so that a file
 * added, removed or renamed changes it too.
 */
export function setHash(files: readonly ConfigFile[]): string {
  if (files.length === 1) return files[0]!.sha256;
  const hash = createHash('sha256');
  for (const file of files) hash.update(`${file.path}\0${file.sha256}\n`);
  return hash.digest('hex');
}

/** Every file's groups in one table; a name defined twice keeps its first definition. */
function mergedGroups(parts: readonly ParsedConfig[], diagnostics: Diagnostics): Map<string, GroupDefinition> {
  const merged = new Map<string, GroupDefinition>();
  for (const { raw, locator } of parts) {
    for (const [name, definition] of groupsOf(raw.groups, locator)) {
      const first = merged.get(name);
      if (first === undefined) {
        merged.set(name, definition);
        continue;
      }
      const firstAt = first.locator.at(['groups', name], 'key');
      diagnostics.error(
        locator.at(['groups', name], 'key'),
        `group \`${name}\` is also defined at ${place(firstAt)}`,
        'define each group in one file only; every file can name it as `group:' + name + '`',
        { location: firstAt, message: `group \`${name}\` first defined here` },
      );
    }
  }
  return merged;
}

/** Top-level `safety` governs the whole plan: files that set it must set the same limits. */
function agreedSafety(parts: readonly ParsedConfig[], diagnostics: Diagnostics): RawSafety | undefined {
  let first: { safety: RawSafety; at: SourceLocation } | undefined;
  for (const { raw, locator } of parts) {
    if (raw.safety === undefined) continue;
    const at = locator.at(['safety'], 'key');
    if (first === undefined) {
      first = { safety: raw.safety, at };
      continue;
    }
    if (sameSafety(first.safety, raw.safety)) continue;
    diagnostics.error(
      at,
      `top-level \`safety\` differs from the one at ${place(first.at)}`,
      'set top-level `safety` in one file only, or the same in each; a workspace\'s own `safety` may differ',
      { location: first.at, message: 'top-level `safety` first set here' },
    );
  }
  return first?.safety;
}

function sameSafety(a: RawSafety, b: RawSafety): boolean {
  return a.max_removal_percent === b.max_removal_percent && a.min_existing === b.min_existing && a.max_removals === b.max_removals;
}

interface WorkspaceContext {
  diagnostics: Diagnostics;
  lists: MemberListExpander;
  /** The file being built. */
  locator: Locator;
  /** Top-level `protected` of every file, expanded. */
  protected: MemberRef[];
  /** Top-level `protected` keys. */
  protectedKeys: KeyRef[];
  /** Defaults merged with the files' top-level `safety`. */
  safety: SafetyLimits;
}

function buildWorkspace(key: string, raw: RawWorkspace, context: WorkspaceContext): WorkspaceConfig {
  const { locator, diagnostics, lists } = context;
  const path = ['workspaces', key];
  const allowEmpty = raw.allow_empty ?? false;
  let members: MemberRef[] | undefined;
  let membersLocation: SourceLocation | undefined;
  if (raw.members !== undefined) {
    membersLocation = locator.at([...path, 'members'], 'key');
    const errorsBefore = diagnostics.errors.length;
    members = lists.expand(locator, [...path, 'members'], raw.members);
    if (members.length === 0 && !allowEmpty && diagnostics.errors.length === errorsBefore && !lists.exhausted) {
      diagnostics.error(
        membersLocation,
        `${raw.members.length === 0 ? '`members` is empty' : '`members` lists only empty groups'}: ` +
          `this would remove every member of workspace \`${key}\``,
        'set `allow_empty: true` if that is intended; to leave membership unmanaged, remove `members`',
      );
    }
  }

  const guardrails = entriesInFileOrder(raw.guardrails ?? {}, [...path, 'guardrails'], locator).map(([name, guardrail]) =>
    buildGuardrail(name, guardrail, [...path, 'guardrails', name], context),
  );
  checkOneGuardrailPerMember(key, guardrails, diagnostics);
  if (members !== undefined && membersLocation !== undefined && (raw.prune ?? true)) {
    checkGuardrailMembersBelong(key, members, membersLocation, guardrails, diagnostics);
  }

  const ownProtected = raw.protected === undefined ? [] : lists.expand(locator, [...path, 'protected'], raw.protected, isKeyEntry);
  const workspace: WorkspaceConfig = {
    key,
    location: locator.at(path, 'key'),
    guardrails,
    prune: raw.prune ?? true,
    allowEmpty,
    protected: withoutRepeats([...context.protected, ...ownProtected]),
    protectedKeys: [...context.protectedKeys, ...keyEntries([...path, 'protected'], raw.protected, locator)],
    safety: mergeSafety(context.safety, raw.safety),
  };
  if (members !== undefined && membersLocation !== undefined) {
    workspace.members = members;
    workspace.membersLocation = membersLocation;
  }
  return workspace;
}

function buildGuardrail(
  key: string,
  raw: RawGuardrail,
  path: readonly PathSegment[],
  { locator, diagnostics, lists }: WorkspaceContext,
): GuardrailConfig {
  const longForm = !Array.isArray(raw);
  const location = locator.at(path, 'key');
  const allowEmpty = longForm ? (raw.allow_empty ?? false) : false;
  const guardrail: GuardrailConfig = { key, location, prune: longForm ? (raw.prune ?? true) : true, allowEmpty };
  // The long form without `members` leaves the guardrail's member assignments alone, as one without `keys` leaves its keys.
  const texts = longForm ? raw.members : raw;
  if (texts !== undefined) {
    const errorsBefore = diagnostics.errors.length;
    const members = lists.expand(locator, longForm ? [...path, 'members'] : path, texts);
    if (members.length === 0 && !allowEmpty && diagnostics.errors.length === errorsBefore && !lists.exhausted) {
      diagnostics.error(
        longForm ? locator.at([...path, 'members'], 'key') : location,
        `guardrail \`${key}\` ${texts.length === 0 ? 'lists no members' : 'lists only empty groups'}: ` +
          'this would unassign everyone from it',
        longForm
          ? 'set `allow_empty: true` if that is intended; to leave its members alone, remove `members` (or the guardrail) from the file'
          : `if that is intended, write \`${key}: { members: [], allow_empty: true }\`; to leave it unmanaged, remove it from the file`,
      );
    }
    guardrail.members = members;
  }
  if (longForm && raw.keys !== undefined) {
    const keyAt = locator.listItems([...path, 'keys']);
    guardrail.keys = raw.keys.map((ref, index) => ({ ref, location: keyAt(index) }));
  }
  return guardrail;
}

/** A `protected` entry that names an API key rather than a member. */
const isKeyEntry = (text: string): boolean => text.startsWith(KEY_PREFIX);

/** The `key:` entries of a `protected` list. */
function keyEntries(path: readonly PathSegment[], texts: readonly string[] | undefined, locator: Locator): KeyRef[] {
  return (texts ?? []).flatMap((text, index) =>
    isKeyEntry(text) ? [{ ref: text.slice(KEY_PREFIX.length), location: locator.at([...path, index]) }] : [],
  );
}

/** A member has at most one direct guardrail per workspace. */
function checkOneGuardrailPerMember(workspaceKey: string, guardrails: readonly GuardrailConfig[], diagnostics: Diagnostics): void {
  const firstByMember = new Map<string, { guardrail: GuardrailConfig; member: MemberRef }>();
  for (const guardrail of guardrails) {
    for (const member of guardrail.members ?? []) {
      const key = memberRefKey(member);
      const first = firstByMember.get(key);
      if (first === undefined) {
        firstByMember.set(key, { guardrail, member });
        continue;
      }
      diagnostics.error(
        listPosition(member),
        `\`${member.ref}\` is listed under two guardrails of workspace \`${workspaceKey}\`: ` +
          `\`${first.guardrail.key}\` (${describePosition(first.member)}) and \`${guardrail.key}\` (${describePosition(member)})`,
        'a member has at most one direct guardrail per workspace: keep one of the two',
      );
    }
  }
}

/**
 * Only workspace members can be assigned to the workspace's guardrails. When
 * `members` lists the complete membership, a guardrail member missing from it
 * is a mistake. The check is left to online resolution when the two lists
 * name people differently (one by email, the other by user id) and when
 * `prune: false` keeps members the list leaves out.
 */
function checkGuardrailMembersBelong(
  workspaceKey: string,
  members: readonly MemberRef[],
  membersLocation: SourceLocation,
  guardrails: readonly GuardrailConfig[],
  diagnostics: Diagnostics,
): void {
  const listed = new Set(members.map(memberRefKey));
  const kindsListed = new Set(members.map((member) => member.kind));
  for (const guardrail of guardrails) {
    for (const member of guardrail.members ?? []) {
      if (listed.has(memberRefKey(member))) continue;
      const decidable = [...kindsListed].every((kind) => kind === member.kind);
      if (!decidable) continue;
      diagnostics.error(
        listPosition(member),
        `\`${member.ref}\` is assigned to guardrail \`${guardrail.key}\` but is not in the \`members\` of workspace ` +
          `\`${workspaceKey}\` (line ${membersLocation.line})`,
        'only workspace members can be assigned to its guardrails: add them to `members`, or remove them here',
      );
    }
  }
}

/** Where the list itself names the member: the `group:` entry when it came through a group. */
function listPosition(member: MemberRef): SourceLocation {
  return member.viaLocation ?? member.location;
}

function describePosition(member: MemberRef): string {
  return member.via === undefined
    ? `line ${member.location.line}`
    : `line ${listPosition(member).line}, through \`group:${member.via}\``;
}

function withoutRepeats(members: readonly MemberRef[]): MemberRef[] {
  const seen = new Set<string>();
  return members.filter((member) => {
    const key = memberRefKey(member);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function mergeSafety(base: SafetyLimits, raw: RawSafety | undefined): SafetyLimits {
  const merged: SafetyLimits = {
    maxRemovalPercent: raw?.max_removal_percent ?? base.maxRemovalPercent,
    minExisting: raw?.min_existing ?? base.minExisting,
  };
  const maxRemovals = raw?.max_removals ?? base.maxRemovals;
  if (maxRemovals !== undefined) merged.maxRemovals = maxRemovals;
  return merged;
}

/**
 * A mapping's entries in the order the file writes them (a JS object would
 * put keys that look like numbers first), so "first" and "second" in
 * messages mean what the reader sees.
 */
function entriesInFileOrder<T>(
  record: Readonly<Record<string, T>>,
  path: readonly PathSegment[],
  locator: Locator,
): [string, T][] {
  return Object.entries(record)
    .map(([key, value]) => ({ key, value, at: locator.at([...path, key], 'key') }))
    .sort((a, b) => a.at.line - b.at.line || a.at.col - b.at.col)
    .map(({ key, value }) => [key, value]);
}
