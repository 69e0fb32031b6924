/**
 * Member lists and `group:NAME` expansion.
 *
 * Each list is read entry by entry (see `member-refs.ts`), then groups are
 * replaced by their members, recursively. A member brought in by a group
 * keeps `location` where it is written (inside `groups:`), and gets `via`,
 * the group the list names, and `viaLocation`, the line that names it.
 *
 * Groups of every file of the configuration form one table: a list in one
 * file may name a group another file defines. Each definition keeps the
 * locator of its own file.
 *
 * Duplicates within one list become one entry. A warning names both lines
 * when the same ref is written twice, or when a member is written directly
 * and also comes through a group; members shared by two groups are not
 * warned about, since groups overlap by design.
 */
import type { Diagnostics } from './diagnostics.js';
import { MAX_EXPANDED_MEMBERS, MAX_GROUP_NESTING } from './limits.js';
import { memberRefKey, parseMemberRef, type ParsedMemberRef } from '../model/member-refs.js';
import { suggest } from '../model/suggest.js';
import type { MemberRef, SourceLocation } from '../model/config.js';
import type { Locator, PathSegment } from './yaml-locations.js';

interface ListEntry {
  ref: ParsedMemberRef;
  text: string;
  location: SourceLocation;
}

/** A group as one file defines it. */
export interface GroupDefinition {
  members: readonly string[];
  locator: Locator;
}

/** The groups a file defines, keyed by name. */
export function groupsOf(groups: Readonly<Record<string, readonly string[]>> | undefined, locator: Locator): Map<string, GroupDefinition> {
  return new Map(Object.entries(groups ?? {}).map(([name, members]) => [name, { members, locator }]));
}

export class MemberListExpander {
  private readonly expanded = new Map<string, MemberRef[]>();
  /** Groups being expanded, outermost first: a name found here again is a cycle. */
  private readonly expanding: string[] = [];
  private readonly referenced = new Set<string>();
  private expandedCount = 0;
  private budgetExceeded = false;
  private nestingReported = false;

  constructor(
    private readonly definitions: ReadonlyMap<string, GroupDefinition>,
    private readonly diagnostics: Diagnostics,
  ) {}

  /** True once expansion exceeded `MAX_EXPANDED_MEMBERS`: lists expand to nothing from then on. */
  get exhausted(): boolean {
    return this.budgetExceeded;
  }

  /** Expands every group once, so that mistakes in groups no list uses are reported too. */
  checkGroups(): void {
    for (const name of this.definitions.keys()) this.membersOfGroup(name);
  }

  /** Call after every list is expanded. */
  warnUnusedGroups(): void {
    for (const [name, { locator }] of this.definitions) {
      if (this.referenced.has(name)) continue;
      this.diagnostics.warning(
        locator.at(['groups', name], 'key'),
        `group \`${name}\` is never used`,
        `name it as \`group:${name}\` in a member list, or remove it`,
      );
    }
  }

  /** The members of the list at `path` of the file `locator` reads, groups expanded, duplicates removed; entries `skip` accepts are not members and are left out. */
  expand(locator: Locator, path: readonly PathSegment[], texts: readonly string[], skip?: (text: string) => boolean): MemberRef[] {
    const members: MemberRef[] = [];
    const firstByKey = new Map<string, MemberRef>();
    for (const entry of this.readEntries(locator, path, texts, skip)) {
      for (const member of this.membersOfEntry(entry)) {
        const key = memberRefKey(member);
        const first = firstByKey.get(key);
        if (first === undefined) {
          firstByKey.set(key, member);
          members.push(member);
        } else if (first.via === undefined || member.via === undefined) {
          this.warnRepeated(first, member);
        }
      }
    }
    return members;
  }

  /** Parses the entries and drops the ones written twice (with a warning naming both lines). */
  private readEntries(locator: Locator, path: readonly PathSegment[], texts: readonly string[], skip?: (text: string) => boolean): ListEntry[] {
    const entries: ListEntry[] = [];
    const firstByKey = new Map<string, ListEntry>();
    const itemAt = locator.listItems(path);
    texts.forEach((text, index) => {
      if (skip?.(text)) return;
      const location = itemAt(index);
      const parsed = parseMemberRef(text);
      if ('problem' in parsed) {
        this.diagnostics.error(location, parsed.problem.message, parsed.problem.hint);
        return;
      }
      const entry = { ref: parsed.ref, text, location };
      const key = memberRefKey(parsed.ref);
      const first = firstByKey.get(key);
      if (first === undefined) {
        firstByKey.set(key, entry);
        entries.push(entry);
        return;
      }
      const firstLine = first.location.line;
      this.diagnostics.warning(
        location,
        first.text === text
          ? `\`${text}\` is listed twice in this list (first at line ${firstLine})`
          : `\`${text}\` is listed twice in this list: line ${firstLine} has \`${first.text}\`, which differs only in letter case`,
        'remove one of them; emails are compared without regard to case',
      );
    });
    return entries;
  }

  private membersOfEntry(entry: ListEntry): MemberRef[] {
    if (entry.ref.kind !== 'group') {
      return this.take(1, entry.location) ? [{ kind: entry.ref.kind, ref: entry.ref.ref, location: entry.location }] : [];
    }
    const name = entry.ref.name;
    this.referenced.add(name);
    if (!this.definitions.has(name)) {
      const near = suggest(name, this.definitions.keys());
      this.diagnostics.error(
        entry.location,
        `unknown group \`${name}\``,
        near !== undefined ? `did you mean \`group:${near}\`?` : `define it under \`groups:\` at the top of the file`,
      );
      return [];
    }
    const cycleStart = this.expanding.indexOf(name);
    if (cycleStart !== -1) {
      const cycle = [...this.expanding.slice(cycleStart), name].join(' → ');
      this.diagnostics.error(
        entry.location,
        `groups include each other in a cycle: ${cycle}`,
        `remove \`group:${name}\` here, or the reference that leads back to this group`,
      );
      return [];
    }
    const groupMembers = this.membersOfGroup(name, entry.location);
    if (!this.take(groupMembers.length, entry.location)) return [];
    return groupMembers.map((member) => ({
      kind: member.kind,
      ref: member.ref,
      location: member.location,
      via: name,
      viaLocation: entry.location,
    }));
  }

  private membersOfGroup(name: string, referencedAt?: SourceLocation): MemberRef[] {
    const known = this.expanded.get(name);
    if (known !== undefined) return known;
    const definition = this.definitions.get(name);
    if (definition === undefined) return [];
    if (this.expanding.length >= MAX_GROUP_NESTING) {
      if (!this.nestingReported) {
        this.nestingReported = true;
        this.diagnostics.error(
          referencedAt ?? definition.locator.at(['groups', name], 'key'),
          `groups nest more than ${MAX_GROUP_NESTING} levels deep (${[...this.expanding.slice(0, 3), '…', name].join(' → ')})`,
          'flatten the groups',
        );
      }
      return [];
    }
    this.expanding.push(name);
    const members = this.expand(definition.locator, ['groups', name], definition.members);
    this.expanding.pop();
    this.expanded.set(name, members);
    return members;
  }

  /**
   * Counts members created by expansion against one budget for the whole
   * configuration, every file together: groups named in many lists multiply, like aliases, and memory must
   * stay bounded.
   */
  private take(count: number, location: SourceLocation): boolean {
    if (this.budgetExceeded) return false;
    this.expandedCount += count;
    if (this.expandedCount <= MAX_EXPANDED_MEMBERS) return true;
    this.budgetExceeded = true;
    this.diagnostics.error(
      location,
      `expanding groups lists more than ${MAX_EXPANDED_MEMBERS.toLocaleString('en-US')} members across the configuration`,
      'every list that names a group repeats all its members; name large groups in fewer places',
    );
    return false;
  }

  private warnRepeated(first: MemberRef, repeated: MemberRef): void {
    const describe = (member: MemberRef): string =>
      member.via === undefined
        ? `at line ${member.location.line}`
        : `through \`group:${member.via}\` at line ${member.viaLocation?.line ?? member.location.line}`;
    this.diagnostics.warning(
      repeated.viaLocation ?? repeated.location,
      `\`${repeated.ref}\` is listed twice in this list: ${describe(first)}, and ${describe(repeated)}`,
      'remove the direct entry; the group already brings this member in',
    );
  }
}
