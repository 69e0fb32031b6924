/**
 * Live state → the text of a gatesync file that plans to no changes: what
 * `gatesync export` writes. Whatever the organization holds (names with line
 * breaks or escape characters, emails that are not valid references, two
 * members sharing an email but for case, assignments left behind by members
 * who left a workspace), the text loads, resolves to the same people and
 * guardrails, and leaves nothing to do.
 */
import { stringify } from 'yaml';
import { compareText } from '../model/compare-text.js';
import type { Observed, ObservedGuardrail, ObservedWorkspace } from '../model/observed.js';
import type { OrgMember } from '../model/org.js';
import { normalizeGuardrailName } from '../model/normalize.js';
import { OrgEmails } from './org-emails.js';

/** Longest comment text, in characters: a name is a hint for the reader, not data. */
export const MAX_COMMENT_LENGTH = 80;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Control, format, unassigned and private-use characters, surrogates, and line or paragraph separators. */
const UNPRINTABLE = /[\p{C}\p{Zl}\p{Zp}]/u;
const UNPRINTABLE_OR_SPACE = /[\p{C}\p{Zl}\p{Zp}\s]+/gu;

export interface RenderOptions {
  /** Where the `yaml-language-server` modeline points. */
  schemaRef: string;
}

/**
 * `undefined` when there is nothing the file could manage: the workspaces
 * are all default workspaces, whose membership is implicit, with no guardrail
 * but their default one.
 */
export function renderConfig(observed: Observed, options: RenderOptions): string | undefined {
  const blocks = workspaceBlocks(observed);
  return blocks === undefined ? undefined : fileText(blocks.flatMap((block) => block.lines), options);
}

/**
 * The same configuration split into one file per workspace, for `export
 * --split`: file name → text, in slug order. Each name is the slug made safe
 * for any file system (other characters become `_`), unique even where
 * letter case does not count. Empty when there is nothing to manage.
 */
export function renderSplitConfig(observed: Observed, options: RenderOptions): Map<string, string> {
  const files = new Map<string, string>();
  const taken = new Set<string>();
  for (const block of workspaceBlocks(observed) ?? []) {
    if (block.lines.length === 0) continue;
    const base = safeFileName(block.slug);
    let name = `${base}.yaml`;
    for (let suffix = 2; taken.has(name.toLowerCase()); suffix++) name = `${base}-${suffix}.yaml`;
    taken.add(name.toLowerCase());
    files.set(name, fileText(block.lines, options));
  }
  return files;
}

/** Longest file name stem `renderSplitConfig` writes, well under any file system's limit. */
const MAX_FILE_STEM = 100;

function safeFileName(slug: string): string {
  const stem = slug.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, MAX_FILE_STEM);
  return /^[A-Za-z0-9]/.test(stem) ? stem : `workspace${stem}`;
}

/** Each workspace's lines, in slug order; `undefined` when none would manage anything. */
function workspaceBlocks(observed: Observed): { slug: string; lines: string[] }[] | undefined {
  const byId = new Map<string, ObservedWorkspace>();
  for (const workspace of observed.workspacesByKey.values()) if (workspace) byId.set(workspace.info.id, workspace);
  const workspaces = [...byId.values()].sort((a, b) => compareText(a.info.slug, b.info.slug));
  const renderer = new ConfigRenderer(observed);
  let blocks = workspaces.map((workspace) => ({ slug: workspace.info.slug, lines: renderer.workspace(workspace, false) }));
  if (blocks.every((block) => block.lines.length === 0)) {
    // The default workspace without assignments manages nothing unless its guardrails are listed, empty.
    blocks = workspaces.map((workspace) => ({ slug: workspace.info.slug, lines: renderer.workspace(workspace, true) }));
    if (blocks.every((block) => block.lines.length === 0)) return undefined;
  }
  return blocks;
}

function fileText(workspaceLines: string[], options: RenderOptions): string {
  const lines = [
    `# yaml-language-server: $schema=${options.schemaRef}`,
    '# Exported from the live organization by `gatesync export`.',
    'version: 1',
    'workspaces:',
    ...workspaceLines,
  ];
  return lines.join('\n') + '\n';
}

class ConfigRenderer {
  private readonly emails: OrgEmails;

  constructor(private readonly observed: Observed) {
    this.emails = new OrgEmails(observed.orgMembers.values());
  }

  /** The workspace's lines, or none when it would manage nothing; `withEmptyGuardrails` lists unassigned guardrails too. */
  workspace(workspace: ObservedWorkspace, withEmptyGuardrails: boolean): string[] {
    const lines = [`  ${yamlScalar(workspace.info.slug)}:${comment(workspace.info.name)}`];
    if (!workspace.isDefault) {
      if (workspace.members.size) lines.push('    members:', ...this.memberList(workspace.members, '      '));
      else lines.push('    members: []', '    allow_empty: true');
    }
    const listable = (userId: string) => this.observed.orgMembers.has(userId) && (workspace.isDefault || workspace.members.has(userId));
    const keyOf = guardrailKeys(workspace);
    const guardrails = [...workspace.guardrails.values()]
      .filter((guardrail) => guardrail.info.id !== workspace.info.defaultGuardrailId)
      .filter((guardrail) => withEmptyGuardrails || [...guardrail.members].some(listable) || (guardrail.keys?.size ?? 0) > 0)
      .sort((a, b) => compareText(a.info.name, b.info.name) || compareText(a.info.id, b.info.id));
    const leftBehind = new Set<string>();
    if (guardrails.length) lines.push('    guardrails:');
    for (const guardrail of guardrails) {
      const members = [...guardrail.members].filter(listable);
      const strays = [...guardrail.members].filter((userId) => !listable(userId));
      // Still assigned after leaving the workspace: protected, so the plan keeps the assignment rather than undo it.
      for (const userId of strays) if (this.observed.orgMembers.has(userId)) leftBehind.add(userId);
      // Assigned but no longer in the organization: no file can name them, so only `prune: false` keeps them.
      // Keys the workspace's key listing does not hold (deleted since) cannot be named either.
      const unknownKeys = [...(guardrail.keys ?? [])].filter((hash) => !workspace.keys?.has(hash));
      const prune = strays.every((userId) => this.observed.orgMembers.has(userId)) && unknownKeys.length === 0;
      const key = keyOf.get(guardrail.info.id)!;
      const named = key === guardrail.info.name ? '' : comment(guardrail.info.name);
      const keys = keyList(workspace, guardrail, '          ');
      if (prune && members.length > 0 && keys.length === 0) {
        lines.push(`      ${yamlScalar(key)}:${named}`, ...this.memberList(members, '        '));
        continue;
      }
      lines.push(`      ${yamlScalar(key)}:${named}`);
      lines.push(...(members.length ? ['        members:', ...this.memberList(members, '          ')] : ['        members: []']));
      if (keys.length) lines.push('        keys:', ...keys);
      const unnamed = [...strays.filter((id) => !this.observed.orgMembers.has(id)), ...unknownKeys];
      if (!prune) lines.push(`        prune: false${comment(`also assigned: ${unnamed.join(', ')}`)}`);
      if (members.length === 0) lines.push('        allow_empty: true');
    }
    if (leftBehind.size) {
      lines.push(`    protected:${comment('still assigned to a guardrail here, no longer workspace members')}`, ...this.memberList(leftBehind, '      '));
    }
    // The default workspace's membership is implicit: without guardrails there is nothing to manage there.
    return workspace.isDefault && guardrails.length === 0 ? [] : lines;
  }

  private memberList(userIds: Iterable<string>, indent: string): string[] {
    const entries = [...userIds].map((userId) => this.entry(userId)).sort((a, b) => compareText(a.ref, b.ref));
    const width = Math.max(0, ...entries.map((entry) => entry.ref.length));
    return entries.map((entry) => (entry.comment ? `${indent}- ${entry.ref.padEnd(width)}${entry.comment}` : `${indent}- ${entry.ref}`));
  }

  private entry(userId: string): { ref: string; comment: string } {
    const member: OrgMember | undefined = this.observed.orgMembers.get(userId);
    if (!member) return { ref: yamlScalar(userId), comment: '' };
    const ref = this.emails.fileRefOf(member);
    const name = [member.firstName, member.lastName].filter(Boolean).join(' ');
    const email = ref === member.email || !member.email ? '' : ` <${member.email}>`;
    return { ref: yamlScalar(ref), comment: comment(`${name}${email}`) };
  }
}

/**
 * The keys a guardrail holds, each by name when that name is one printable
 * line held by no other key of the workspace (and no key's hash), by hash
 * otherwise; the label follows as a comment.
 */
function keyList(workspace: ObservedWorkspace, guardrail: ObservedGuardrail, indent: string): string[] {
  const all = [...(workspace.keys?.values() ?? [])];
  const holders = new Map<string, number>();
  for (const key of all) holders.set(key.name, (holders.get(key.name) ?? 0) + 1);
  const usableName = (name: string) =>
    name.trim() === name && name !== '' && !UNPRINTABLE.test(name) && holders.get(name) === 1 && !workspace.keys?.has(name);
  return [...(guardrail.keys ?? [])]
    .flatMap((hash) => {
      const key = workspace.keys?.get(hash);
      if (!key) return [];
      return [usableName(key.name) ? { ref: key.name, note: key.label } : { ref: key.hash, note: `${key.name} ${key.label}` }];
    })
    .sort((a, b) => compareText(a.ref, b.ref))
    .map(({ ref, note }) => `${indent}- ${yamlScalar(ref)}${comment(note)}`);
}

/**
 * How each exported guardrail is keyed: by name when its name (normalized as
 * resolution normalizes it) is held by no other guardrail of the workspace
 * and cannot be read as an id; by UUID otherwise.
 */
function guardrailKeys(workspace: ObservedWorkspace): Map<string, string> {
  const holders = new Map<string, number>();
  const all: ObservedGuardrail[] = [...workspace.guardrails.values()];
  for (const guardrail of all) {
    const name = normalizeGuardrailName(guardrail.info.name);
    holders.set(name, (holders.get(name) ?? 0) + 1);
  }
  const usableName = (name: string) =>
    name.trim() !== '' && !UUID.test(name) && !workspace.guardrails.has(name) && holders.get(normalizeGuardrailName(name)) === 1;
  return new Map(all.map((guardrail) => [guardrail.info.id, usableName(guardrail.info.name) ? guardrail.info.name : guardrail.info.id]));
}

/**
 * `  # text` for a comment after an entry, or nothing for an empty text. The
 * text becomes one printable line, capped: a comment must never end early
 * and let the rest of a name be read as YAML.
 */
function comment(text: string | null | undefined): string {
  const line = (text ?? '').replace(UNPRINTABLE_OR_SPACE, ' ').trim();
  if (line === '') return '';
  const characters = [...line];
  const capped = characters.length > MAX_COMMENT_LENGTH ? `${characters.slice(0, MAX_COMMENT_LENGTH - 1).join('').trimEnd()}…` : line;
  return `  # ${capped}`;
}

/**
 * A YAML scalar on one line that reads back as `value`: plain or quoted as
 * the yaml package writes it when that is one printable line, else
 * double-quoted with every unprintable character escaped.
 */
export function yamlScalar(value: string): string {
  const written = stringify(value, { lineWidth: 0 }).trimEnd();
  if (!written.includes('\n') && !UNPRINTABLE.test(written)) return written;
  let quoted = '"';
  for (const character of value) {
    if (character === '"' || character === '\\') quoted += `\\${character}`;
    else if (!UNPRINTABLE.test(character)) quoted += character;
    else {
      const codePoint = character.codePointAt(0)!;
      quoted += codePoint > 0xffff ? `\\U${codePoint.toString(16).padStart(8, '0')}` : `\\u${codePoint.toString(16).padStart(4, '0')}`;
    }
  }
  return `${quoted}"`;
}
