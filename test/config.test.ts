import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cpuMs } from './support/cpu.js';
import {
  DEFAULT_SAFETY,
  formatDiagnostic,
  loadConfig,
  readConfig,
  suggest,
  type Config,
  type Diagnostic,
  type LoadResult,
  type SourceLocation,
} from '../src/config/index.js';
import { MAX_LIST_ENTRIES } from '../src/config/limits.js';
import { GROUP_NAME_PATTERN, MEMBER_REF_PATTERN, PROTECTED_REF_PATTERN } from '../src/model/member-refs.js';

const FILE = 'gatesync.yaml';

/** Lines joined with `\n`: line N of the file is argument N, so expected lines read straight off the table. */
function doc(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

function load(text: string): LoadResult {
  return loadConfig(text, FILE);
}

function at(line: number, col: number, path: string): SourceLocation {
  return { file: FILE, line, col, path };
}

function loaded(text: string): Config {
  const result = load(text);
  expect(result.errors.map(formatDiagnostic)).toEqual([]);
  expect(result.config).toBeDefined();
  return result.config!;
}

function only(diagnostics: Diagnostic[]): Diagnostic {
  expect(diagnostics.map(formatDiagnostic)).toHaveLength(1);
  return diagnostics[0]!;
}

interface ErrorCase {
  name: string;
  text: string;
  message: string;
  line: number;
  col: number;
  path?: string;
  hint?: string;
}

const errorCases: ErrorCase[] = [
  {
    name: 'unclosed quote, at the opening quote',
    text: doc('version: 1', 'workspaces:', '  research:', '    members:', '      - "alice@corp.example', '      - bob@corp.example'),
    message: 'Missing closing "quote',
    line: 5,
    col: 9,
    hint: 'close the quote',
  },
  {
    name: 'unclosed bracket, at the opening bracket',
    text: doc('version: 1', 'workspaces:', '  research:', '    members: [alice@corp.example', '  platform: {}'),
    message: 'end with a ]',
    line: 4,
    col: 14,
  },
  {
    name: 'tab used for indentation',
    text: doc('version: 1', 'workspaces:', '\tresearch:', '    members: [alice@corp.example]'),
    message: 'a tab is used for indentation',
    line: 3,
    col: 1,
    hint: 'YAML indents with spaces only: replace the tab with spaces',
  },
  {
    name: 'value with an unquoted ": "',
    text: doc('version: 1', 'workspaces:', '  research: members: [a@b.co]'),
    message: 'Nested mappings are not allowed in compact mappings',
    line: 3,
    col: 13,
  },
  {
    name: 'two YAML documents',
    text: doc('version: 1', 'workspaces:', '  research:', '    members: [a@b.co]', '---', 'version: 1'),
    message: 'the file holds more than one YAML document',
    line: 5,
    col: 1,
  },
  {
    name: 'duplicate key names the first line',
    text: doc('version: 1', 'workspaces:', '  research:', '    members: [a@b.co]', '    members: [c@b.co]'),
    message: 'duplicate key `members`: it is already set at line 4',
    line: 5,
    col: 5,
    path: '/workspaces/research/members',
  },
  {
    name: 'alias to no anchor',
    text: doc('version: 1', 'workspaces:', '  research:', '    members: *team'),
    message: 'alias `*team` has no anchor `&team` before it',
    line: 4,
    col: 14,
  },
  {
    name: 'alias inside the node it repeats',
    text: doc('version: 1', 'workspaces: &all', '  research:', '    guardrails: *all'),
    message: 'alias `*all` is inside the node it repeats',
    line: 4,
    col: 17,
  },
  {
    name: 'empty file',
    text: '# nothing yet\n',
    message: 'the file is empty',
    line: 1,
    col: 1,
  },
  {
    name: 'unknown field suggests the known one, at the key',
    text: doc('version: 1', 'workspaces:', '  research:', '    memebrs: [a@b.co]'),
    message: 'unknown field `memebrs`',
    line: 4,
    col: 5,
    path: '/workspaces/research/memebrs',
    hint: 'did you mean `members`?',
  },
  {
    name: 'unknown field far from any known one lists the allowed fields',
    text: doc('version: 1', 'workspaces:', '  research:', '    owner: a@b.co', '    members: [a@b.co]'),
    message: 'unknown field `owner`',
    line: 4,
    col: 5,
    hint: 'allowed here: `members`, `prune`, `allow_empty`, `protected`, `safety`, `guardrails`',
  },
  {
    name: 'unknown top-level field',
    text: doc('version: 1', 'workspace:', '  research:', '    members: [a@b.co]'),
    message: 'unknown field `workspace`',
    line: 2,
    col: 1,
    hint: 'did you mean `workspaces`?',
  },
  {
    name: 'missing version',
    text: doc('workspaces:', '  research:', '    members: [a@b.co]'),
    message: 'missing `version` at the top level',
    line: 1,
    col: 1,
    hint: 'add it, e.g. `version: 1`',
  },
  {
    name: 'quoted version',
    text: doc('version: "1"', 'workspaces:', '  research:', '    members: [a@b.co]'),
    message: '`version` must be 1, not the string "1"',
    line: 1,
    col: 10,
    hint: 'remove the quotes: `version: 1`',
  },
  {
    name: 'boolean written as yes',
    text: doc('version: 1', 'workspaces:', '  research:', '    members: [a@b.co]', '    prune: yes'),
    message: '`prune`: expected true or false, got the string "yes"',
    line: 5,
    col: 12,
    path: '/workspaces/research/prune',
    hint: 'YAML 1.2 reads `yes` as text: write `true` or `false`',
  },
  {
    name: 'members given as one string',
    text: doc('version: 1', 'workspaces:', '  research:', '    members: a@b.co'),
    message: '`members`: expected a list, got the string "a@b.co"',
    line: 4,
    col: 14,
  },
  {
    name: 'members key with no value points at the key',
    text: doc('version: 1', 'workspaces:', '  research:', '    members:'),
    message: '`members`: expected a list, got nothing',
    line: 4,
    col: 5,
  },
  {
    name: 'workspace with no body',
    text: doc('version: 1', 'workspaces:', '  research:', '  platform:', '    members: [a@b.co]'),
    message: '`research`: expected a mapping, got nothing',
    line: 3,
    col: 3,
  },
  {
    name: 'number in a member list',
    text: doc('version: 1', 'workspaces:', '  research:', '    members: [a@b.co, 42]'),
    message: 'entry 2 of `members`: expected a string, got the number 42',
    line: 4,
    col: 23,
    path: '/workspaces/research/members/1',
  },
  {
    name: '"group: NAME" read as a mapping',
    text: doc('version: 1', 'groups:', '  ml: [a@b.co]', 'workspaces:', '  research:', '    members:', '      - group: ml'),
    message: 'expected a string, got a mapping',
    line: 7,
    col: 9,
    hint: 'write `group:ml` with no space after the colon (YAML reads `group: NAME` as a mapping)',
  },
  {
    name: 'guardrail neither list nor mapping: one message for the oneOf',
    text: doc('version: 1', 'workspaces:', '  research:', '    guardrails:', '      Daily cap: a@b.co'),
    message: '`Daily cap`: expected a list or a mapping with `members` or `keys`, got the string "a@b.co"',
    line: 5,
    col: 18,
  },
  {
    name: 'guardrail long form with neither members nor keys, in block style',
    text: doc('version: 1', 'workspaces:', '  research:', '    guardrails:', '      Daily cap:', '        prune: false'),
    message: '`Daily cap` has neither `members` nor `keys`',
    line: 5,
    col: 7,
    path: '/workspaces/research/guardrails/Daily cap',
    hint: 'add at least one: `members: [ group:ml-team ]` or `keys: [ research-ci ]`',
  },
  {
    name: 'guardrail long form with neither members nor keys, in flow style',
    text: doc('version: 1', 'workspaces:', '  research:', '    guardrails:', '      GPU heavy: [a@b.co]', '      Daily cap: { allow_empty: true }'),
    message: '`Daily cap` has neither `members` nor `keys`',
    line: 6,
    col: 7,
    hint: 'add at least one: `members: [ group:ml-team ]` or `keys: [ research-ci ]`',
  },
  {
    name: 'safety percentage over 100',
    text: doc('version: 1', 'safety:', '  max_removal_percent: 150', 'workspaces:', '  research:', '    members: [a@b.co]'),
    message: '`max_removal_percent` must be at most 100, not the number 150',
    line: 3,
    col: 24,
  },
  {
    name: 'safety count not a whole number',
    text: doc('version: 1', 'workspaces:', '  research:', '    members: [a@b.co]', '    safety: { min_existing: 2.5 }'),
    message: '`min_existing`: expected a whole number, got the number 2.5',
    line: 5,
    col: 29,
  },
  {
    name: 'invalid group name, at the key',
    text: doc('version: 1', 'groups:', '  ml team: [a@b.co]', 'workspaces:', '  research:', '    members: [a@b.co]'),
    message: '`ml team` is not a valid group name',
    line: 3,
    col: 3,
  },
  {
    name: 'empty workspace key',
    text: doc('version: 1', 'workspaces:', '  "":', '    members: [a@b.co]'),
    message: 'empty key in `workspaces`',
    line: 3,
    col: 3,
  },
  {
    name: 'anchor repeated more often than the YAML alias limit',
    text: doc('version: 1', 'x: &t a@b.co', 'workspaces:', '  research:', `    members: [${Array(150).fill('*t').join(', ')}]`),
    message: 'an anchor is repeated through aliases too often',
    line: 5,
    col: 611,
  },
  {
    name: 'email with spaces around it',
    text: doc('version: 1', 'workspaces:', '  research:', '    members:', '      - " alice@corp.example"'),
    message: 'member reference " alice@corp.example" has spaces around it',
    line: 5,
    col: 9,
    hint: 'write `alice@corp.example`',
  },
  {
    name: 'email with a space inside',
    text: doc('version: 1', 'workspaces:', '  research:', '    members:', '      - alice@corp .example'),
    message: 'member reference "alice@corp .example" contains spaces',
    line: 5,
    col: 9,
    hint: 'write `alice@corp.example`',
  },
  {
    name: 'a bare name',
    text: doc('version: 1', 'workspaces:', '  research:', '    members: [alice]'),
    message: '"alice" is not a member reference',
    line: 4,
    col: 15,
  },
  {
    name: 'malformed user id',
    text: doc('version: 1', 'workspaces:', '  research:', '    members: [user_2ab-CD]'),
    message: '"user_2ab-CD" is not a valid user id',
    line: 4,
    col: 15,
  },
  {
    name: 'unknown group suggests a near one',
    text: doc('version: 1', 'groups:', '  ml-team: [a@b.co]', 'workspaces:', '  research:', '    members: [group:ml-teem]'),
    message: 'unknown group `ml-teem`',
    line: 6,
    col: 15,
    hint: 'did you mean `group:ml-team`?',
  },
  {
    name: 'group cycle shows the path, at the reference that closes it',
    text: doc('version: 1', 'groups:', '  a: [x@b.co, group:b]', '  b: [group:a]', 'workspaces:', '  research:', '    members: [group:a]'),
    message: 'groups include each other in a cycle: a → b → a',
    line: 4,
    col: 7,
    path: '/groups/b/0',
  },
  {
    name: 'group that includes itself',
    text: doc('version: 1', 'groups:', '  a: [x@b.co, group:a]', 'workspaces:', '  research:', '    members: [group:a]'),
    message: 'a cycle: a → a',
    line: 3,
    col: 15,
  },
  {
    name: 'member under two guardrails names both lines',
    text: doc(
      'version: 1',
      'workspaces:',
      '  research:',
      '    guardrails:',
      '      Daily cap: [alice@corp.example]',
      '      Strict models:',
      '        - Alice@corp.example',
    ),
    message: '`alice@corp.example` is listed under two guardrails of workspace `research`: `Daily cap` (line 5) and `Strict models` (line 7)',
    line: 7,
    col: 11,
  },
  {
    name: 'member under two guardrails through a group',
    text: doc(
      'version: 1',
      'groups:',
      '  ml: [alice@corp.example]',
      'workspaces:',
      '  research:',
      '    guardrails:',
      '      Daily cap: [alice@corp.example]',
      '      Strict models: [group:ml]',
    ),
    message: '`Daily cap` (line 7) and `Strict models` (line 8, through `group:ml`)',
    line: 8,
    col: 23,
  },
  {
    name: 'guardrail member missing from the declared members',
    text: doc(
      'version: 1',
      'workspaces:',
      '  research:',
      '    members: [alice@corp.example]',
      '    guardrails:',
      '      Daily cap: [alice@corp.example, carol@corp.example]',
    ),
    message: '`carol@corp.example` is assigned to guardrail `Daily cap` but is not in the `members` of workspace `research` (line 4)',
    line: 6,
    col: 39,
  },
  {
    name: 'empty members',
    text: doc('version: 1', 'workspaces:', '  research:', '    members: []'),
    message: '`members` is empty: this would remove every member of workspace `research`',
    line: 4,
    col: 5,
    hint: 'set `allow_empty: true` if that is intended; to leave membership unmanaged, remove `members`',
  },
  {
    name: 'members made only of empty groups',
    text: doc('version: 1', 'groups:', '  nobody: []', 'workspaces:', '  research:', '    members: [group:nobody]'),
    message: '`members` lists only empty groups',
    line: 6,
    col: 5,
  },
  {
    name: 'empty guardrail, short form',
    text: doc('version: 1', 'workspaces:', '  research:', '    guardrails:', '      Daily cap: []'),
    message: 'guardrail `Daily cap` lists no members: this would unassign everyone from it',
    line: 5,
    col: 7,
    hint: 'if that is intended, write `Daily cap: { members: [], allow_empty: true }`; to leave it unmanaged, remove it from the file',
  },
  {
    name: 'empty guardrail, long form',
    text: doc('version: 1', 'workspaces:', '  research:', '    guardrails:', '      Daily cap:', '        members: []'),
    message: 'guardrail `Daily cap` lists no members',
    line: 6,
    col: 9,
  },
  {
    name: 'a file that manages nothing',
    text: doc('version: 1', 'protected: [admin@corp.example]', 'workspaces:', '  research:', '    prune: false'),
    message: 'this file manages nothing',
    line: 3,
    col: 1,
    hint: 'add `members:` to a workspace to manage its membership, or `guardrails:` to manage assignments',
  },
  {
    name: 'no workspaces at all',
    text: doc('version: 1', 'workspaces: {}'),
    message: 'this file manages nothing',
    line: 2,
    col: 1,
  },
  {
    name: 'NUL byte',
    text: 'version: 1\nworkspaces:\0\n',
    message: 'the file contains a NUL byte: it looks like binary data, not YAML',
    line: 2,
    col: 12,
  },
  {
    name: 'control character',
    text: doc('version: 1', 'workspaces:', '  research:', '    members: [al\u0007ice@b.co]'),
    message: 'control character U+0007 is not allowed in YAML',
    line: 4,
    col: 17,
  },
  {
    name: 'byte order mark is not a column',
    text: `\uFEFF${doc('version: 2', 'workspaces:', '  research:', '    members: [a@b.co]')}`,
    message: '`version` must be 1, not the number 2',
    line: 1,
    col: 10,
  },
  {
    name: 'CRLF line endings',
    text: doc('version: 1', 'workspaces:', '  research:', '    members: [a@b.co]', '    prune: 3').replace(/\n/g, '\r\n'),
    message: '`prune`: expected true or false, got the number 3',
    line: 5,
    col: 12,
  },
  {
    name: 'text over the size limit',
    text: `version: 1\n# ${'x'.repeat(129 * 1024 * 1024)}\n`,
    message: 'the file is 129 MB, over the 128 MB limit',
    line: 1,
    col: 1,
  },
  {
    name: 'nesting too deep',
    text: doc('version: 1', `workspaces: ${'['.repeat(40)}${']'.repeat(40)}`),
    message: 'collections nest deeper than 32 levels',
    line: 2,
    col: 44,
  },
  {
    name: 'too many entries in one list',
    text: `version: 1\nprotected:\n${'- u\n'.repeat(60_000)}`,
    message: 'this list has more than 50,000 entries',
    line: 3,
    col: 1,
  },
];

describe('loadConfig errors', () => {
  it.each(errorCases)('$name', ({ text, message, line, col, path, hint }) => {
    const result = load(text);
    expect(result.config).toBeUndefined();
    const error = result.errors.find((candidate) => candidate.message.includes(message));
    expect(error, result.errors.map(formatDiagnostic).join('\n')).toBeDefined();
    expect(error!.severity).toBe('error');
    expect(error!.location).toMatchObject({ file: FILE, line, col, ...(path !== undefined ? { path } : {}) });
    if (hint !== undefined) expect(error!.hint).toBe(hint);
  });

  it('reports an unknown field once, without also reporting the field it misspells as missing', () => {
    const result = load(doc('version: 1', 'workspaces:', '  research:', '    guardrails:', '      Daily cap:', '        member: [a@b.co]'));
    expect(only(result.errors)).toMatchObject({ message: 'unknown field `member`', hint: 'did you mean `members`?' });
    const keys = load(doc('version: 1', 'workspaces:', '  research:', '    guardrails:', '      Daily cap:', '        kyes: [research-ci]'));
    expect(only(keys.errors)).toMatchObject({ message: 'unknown field `kyes`', hint: 'did you mean `keys`?' });
  });

  it('keeps the errors of the branch whose type matched when a oneOf fails', () => {
    const result = load(doc('version: 1', 'workspaces:', '  research:', '    guardrails:', '      Daily cap: [a@b.co, "a @b.co"]'));
    expect(only(result.errors)).toMatchObject({
      message: 'member reference "a @b.co" contains spaces',
      location: at(5, 27, '/workspaces/research/guardrails/Daily cap/1'),
    });
  });

  it('stops an alias bomb quickly, at an alias', async () => {
    const lines = ['version: 1', 'a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let level = 1; level < 10; level++) {
      const name = String.fromCharCode(97 + level);
      const previous = String.fromCharCode(96 + level);
      lines.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]`);
    }
    const { result, cpuMs: spent } = await cpuMs(() => load(doc(...lines)));
    const error = only(result.errors);
    expect(spent).toBeLessThan(500);
    expect(error.message).toContain('aliases expand this file to more than 100,000 nodes');
    expect(error.location.line).toBe(11);
  });

  it('does not throw on arbitrary input', () => {
    const alphabet = 'ab:- \n\t[]{},"\'&*!|>#@%`?\u00e9\uFEFF\r0';
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    for (let round = 0; round < 300; round++) {
      const length = Math.floor(random() * 80);
      const text = Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      const result = load(text);
      for (const diagnostic of [...result.errors, ...result.warnings]) {
        // loadConfig turns its own exceptions into "internal error" diagnostics: none may occur.
        expect(diagnostic.message, JSON.stringify(text)).not.toContain('internal error');
        expect(diagnostic.location.line).toBeGreaterThanOrEqual(1);
        expect(diagnostic.location.col).toBeGreaterThanOrEqual(1);
      }
      expect(result.config === undefined).toBe(result.errors.length > 0);
    }
  });
});

describe('offline checks that are left to online resolution', () => {
  it('does not compare guardrail emails with members given as user ids', () => {
    loaded(doc('version: 1', 'workspaces:', '  research:', '    members: [user_2abc]', '    guardrails:', '      Daily cap: [alice@corp.example]'));
  });

  it('does not require guardrail members in `members` when `prune: false` keeps unlisted members', () => {
    loaded(
      doc('version: 1', 'workspaces:', '  research:', '    members: [a@b.co]', '    prune: false', '    guardrails:', '      Daily cap: [c@b.co]'),
    );
  });

  it('leaves `members` under the key `default` to online resolution: the default workspace may have any slug', () => {
    loaded(doc('version: 1', 'workspaces:', '  default:', '    members: [a@b.co]'));
  });

  it('allows guardrails on the default workspace', () => {
    loaded(doc('version: 1', 'workspaces:', '  default:', '    guardrails:', '      Daily cap: [a@b.co]'));
  });

  it('allows empty lists with allow_empty', () => {
    const config = loaded(
      doc(
        'version: 1',
        'workspaces:',
        '  research:',
        '    members: []',
        '    allow_empty: true',
        '    guardrails:',
        '      Daily cap: { members: [], allow_empty: true }',
      ),
    );
    expect(config.workspaces[0]).toMatchObject({ members: [], allowEmpty: true, guardrails: [{ members: [], allowEmpty: true }] });
  });
});

describe('groups', () => {
  const text = doc(
    'version: 1',
    'groups:',
    '  ml-team: [alice@corp.example, group:interns]',
    '  interns: [bob@corp.example]',
    'workspaces:',
    '  research:',
    '    members: [group:ml-team, carol@corp.example]',
  );

  it('expands nested groups and records the outermost group in `via`', () => {
    const [workspace] = loaded(text).workspaces;
    expect(workspace!.members).toEqual([
      {
        kind: 'email',
        ref: 'alice@corp.example',
        location: at(3, 13, '/groups/ml-team/0'),
        via: 'ml-team',
        viaLocation: at(7, 15, '/workspaces/research/members/0'),
      },
      {
        kind: 'email',
        ref: 'bob@corp.example',
        location: at(4, 13, '/groups/interns/0'),
        via: 'ml-team',
        viaLocation: at(7, 15, '/workspaces/research/members/0'),
      },
      { kind: 'email', ref: 'carol@corp.example', location: at(7, 30, '/workspaces/research/members/1') },
    ]);
  });

  it('warns about a group no list uses', () => {
    const warning = only(
      load(doc('version: 1', 'groups:', '  spare: [a@b.co]', 'workspaces:', '  research:', '    members: [b@b.co]')).warnings,
    );
    expect(warning).toMatchObject({ message: 'group `spare` is never used', location: at(3, 3, '/groups/spare') });
  });

  it('does not warn when two groups share a member, and lists the member once', () => {
    const result = load(
      doc('version: 1', 'groups:', '  a: [x@b.co]', '  b: [X@b.co]', 'workspaces:', '  research:', '    members: [group:a, group:b]'),
    );
    expect(result.warnings).toEqual([]);
    expect(result.config!.workspaces[0]!.members!.map((member) => [member.ref, member.via])).toEqual([['x@b.co', 'a']]);
  });
});

describe('normalization and duplicates', () => {
  it('lower-cases emails and keeps user ids as written', () => {
    const [workspace] = loaded(doc('version: 1', 'workspaces:', '  research:', '    members: [Alice@Corp.Example, user_2abcDEF]')).workspaces;
    expect(workspace!.members!.map(({ kind, ref }) => ({ kind, ref }))).toEqual([
      { kind: 'email', ref: 'alice@corp.example' },
      { kind: 'user_id', ref: 'user_2abcDEF' },
    ]);
  });

  it('keeps one entry for emails differing only in case, with a warning naming both lines', () => {
    const result = load(doc('version: 1', 'workspaces:', '  research:', '    members:', '      - alice@corp.example', '      - ALICE@corp.example'));
    expect(result.config!.workspaces[0]!.members).toHaveLength(1);
    expect(only(result.warnings)).toMatchObject({
      severity: 'warning',
      message: '`ALICE@corp.example` is listed twice in this list: line 5 has `alice@corp.example`, which differs only in letter case',
      location: at(6, 9, '/workspaces/research/members/1'),
    });
  });

  it('warns about an exact repeat', () => {
    const result = load(doc('version: 1', 'workspaces:', '  research:', '    members: [a@b.co, user_1, a@b.co]'));
    expect(only(result.warnings).message).toBe('`a@b.co` is listed twice in this list (first at line 4)');
  });

  it('warns when a member is listed directly and through a group', () => {
    const result = load(
      doc('version: 1', 'groups:', '  ml: [a@b.co]', 'workspaces:', '  research:', '    members:', '      - a@b.co', '      - group:ml'),
    );
    expect(only(result.warnings)).toMatchObject({
      message: '`a@b.co` is listed twice in this list: at line 7, and through `group:ml` at line 8',
      location: at(8, 9, '/workspaces/research/members/1'),
    });
    expect(result.config!.workspaces[0]!.members).toHaveLength(1);
  });

  it('warns about a workspace that manages nothing when others do', () => {
    const result = load(doc('version: 1', 'workspaces:', '  research:', '    members: [a@b.co]', '  platform: {}'));
    expect(only(result.warnings)).toMatchObject({ message: 'workspace `platform` manages nothing', location: at(5, 3, '/workspaces/platform') });
  });
});

describe('safety and protected merge', () => {
  it('applies the defaults when nothing is set', () => {
    const [workspace] = loaded(doc('version: 1', 'workspaces:', '  research:', '    members: [a@b.co]')).workspaces;
    expect(workspace!.safety).toEqual(DEFAULT_SAFETY);
    expect(workspace!.protected).toEqual([]);
  });

  it('merges top-level and workspace settings field by field', () => {
    const config = loaded(
      doc(
        'version: 1',
        'safety: { max_removal_percent: 30, max_removals: 100 }',
        'protected: [admin@corp.example]',
        'workspaces:',
        '  research:',
        '    members: [a@b.co]',
        '    safety: { min_existing: 3 }',
        '    protected: [bob@corp.example, Admin@corp.example]',
        '  platform:',
        '    members: [a@b.co]',
        '    safety: { max_removal_percent: 50, max_removals: 5 }',
      ),
    );
    const [research, platform] = config.workspaces;
    expect(research!.safety).toEqual({ maxRemovalPercent: 30, minExisting: 3, maxRemovals: 100 });
    expect(platform!.safety).toEqual({ maxRemovalPercent: 50, minExisting: 10, maxRemovals: 5 });
    expect(config.safety).toEqual({ maxRemovalPercent: 30, minExisting: 10, maxRemovals: 100 });
    expect(research!.protected.map((member) => member.ref)).toEqual(['admin@corp.example', 'bob@corp.example']);
    expect(platform!.protected.map((member) => member.ref)).toEqual(['admin@corp.example']);
  });
});

describe('a valid file', () => {
  const text = doc(
    '# yaml-language-server: $schema=../schemas/gatesync.schema.json',
    'version: 1',
    'groups:',
    '  ml-team: [alice@corp.example, group:interns]',
    '  interns: [bob@corp.example]',
    'safety:',
    '  max_removal_percent: 25',
    '  min_existing: 10',
    '  max_removals: 100',
    'protected:',
    '  - admin@corp.example',
    'workspaces:',
    '  research:',
    '    members:',
    '      - alice@corp.example',
    '      - user_2abcDEF',
    '      - group:interns',
    '    prune: true',
    '    allow_empty: false',
    '    protected: [bob@corp.example]',
    '    safety: { max_removal_percent: 50 }',
    '    guardrails:',
    '      Daily cap:',
    '        - user_2abcDEF',
    '      Strict models:',
    '        members: [group:ml-team]',
    '        prune: false',
    '        allow_empty: false',
    '  2024-cohort:',
    '    guardrails:',
    '      Daily cap: [user_2abcDEF]',
  );

  it('produces the expected Config', () => {
    const result = load(text);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    const config: Config = {
      file: FILE,
      version: 1,
      safety: { maxRemovalPercent: 25, minExisting: 10, maxRemovals: 100 },
      hash: createHash('sha256').update(text).digest('hex'),
      files: [{ path: FILE, sha256: createHash('sha256').update(text).digest('hex') }],
      workspaces: [
        {
          key: 'research',
          location: at(13, 3, '/workspaces/research'),
          members: [
            { kind: 'email', ref: 'alice@corp.example', location: at(15, 9, '/workspaces/research/members/0') },
            { kind: 'user_id', ref: 'user_2abcDEF', location: at(16, 9, '/workspaces/research/members/1') },
            {
              kind: 'email',
              ref: 'bob@corp.example',
              location: at(5, 13, '/groups/interns/0'),
              via: 'interns',
              viaLocation: at(17, 9, '/workspaces/research/members/2'),
            },
          ],
          membersLocation: at(14, 5, '/workspaces/research/members'),
          prune: true,
          allowEmpty: false,
          protected: [
            { kind: 'email', ref: 'admin@corp.example', location: at(11, 5, '/protected/0') },
            { kind: 'email', ref: 'bob@corp.example', location: at(20, 17, '/workspaces/research/protected/0') },
          ],
          protectedKeys: [],
          safety: { maxRemovalPercent: 50, minExisting: 10, maxRemovals: 100 },
          guardrails: [
            {
              key: 'Daily cap',
              location: at(23, 7, '/workspaces/research/guardrails/Daily cap'),
              members: [{ kind: 'user_id', ref: 'user_2abcDEF', location: at(24, 11, '/workspaces/research/guardrails/Daily cap/0') }],
              prune: true,
              allowEmpty: false,
            },
            {
              key: 'Strict models',
              location: at(25, 7, '/workspaces/research/guardrails/Strict models'),
              members: [
                {
                  kind: 'email',
                  ref: 'alice@corp.example',
                  location: at(4, 13, '/groups/ml-team/0'),
                  via: 'ml-team',
                  viaLocation: at(26, 19, '/workspaces/research/guardrails/Strict models/members/0'),
                },
                {
                  kind: 'email',
                  ref: 'bob@corp.example',
                  location: at(5, 13, '/groups/interns/0'),
                  via: 'ml-team',
                  viaLocation: at(26, 19, '/workspaces/research/guardrails/Strict models/members/0'),
                },
              ],
              prune: false,
              allowEmpty: false,
            },
          ],
        },
        {
          // A key that looks like a number stays in file order (a JS object would move it first).
          key: '2024-cohort',
          location: at(29, 3, '/workspaces/2024-cohort'),
          prune: true,
          allowEmpty: false,
          protected: [{ kind: 'email', ref: 'admin@corp.example', location: at(11, 5, '/protected/0') }],
          protectedKeys: [],
          safety: { maxRemovalPercent: 25, minExisting: 10, maxRemovals: 100 },
          guardrails: [
            {
              key: 'Daily cap',
              location: at(31, 7, '/workspaces/2024-cohort/guardrails/Daily cap'),
              members: [{ kind: 'user_id', ref: 'user_2abcDEF', location: at(31, 19, '/workspaces/2024-cohort/guardrails/Daily cap/0') }],
              prune: true,
              allowEmpty: false,
            },
          ],
        },
      ],
    };
    expect(result.config).toEqual(config);
  });

  it('resolves aliases, and places entries reached through one at the anchored list', () => {
    const config = loaded(
      doc('version: 1', 'workspaces:', '  research:', '    members: &team [a@b.co]', '  platform:', '    members: *team'),
    );
    expect(config.workspaces[1]!.members).toEqual([{ kind: 'email', ref: 'a@b.co', location: at(4, 21, '/workspaces/platform/members/0') }]);
  });

  it('keys a guardrail or workspace with "/" or "~" by an escaped JSON pointer', () => {
    const config = loaded(doc('version: 1', 'workspaces:', '  research:', '    guardrails:', '      EU/US ~cap: [a@b.co]'));
    expect(config.workspaces[0]!.guardrails[0]!.location.path).toBe('/workspaces/research/guardrails/EU~1US ~0cap');
  });

  it('treats __proto__ as an ordinary workspace key', () => {
    const config = loaded(doc('version: 1', 'workspaces:', '  __proto__:', '    members: [a@b.co]'));
    expect(config.workspaces.map((workspace) => workspace.key)).toEqual(['__proto__']);
  });
});

describe('formatDiagnostic', () => {
  it('prints FILE:LINE:COL, severity, message, path and hint', () => {
    const diagnostic: Diagnostic = {
      severity: 'error',
      message: 'unknown field `memers`',
      hint: 'did you mean `members`?',
      location: at(4, 5, '/workspaces/research/memers'),
    };
    expect(formatDiagnostic(diagnostic)).toBe(
      'gatesync.yaml:4:5: error: unknown field `memers` (at /workspaces/research/memers)\n  hint: did you mean `members`?',
    );
  });

  it('leaves out the path of a problem with the whole file, and the hint line when there is none', () => {
    expect(formatDiagnostic({ severity: 'warning', message: 'odd', location: at(1, 1, '') })).toBe('gatesync.yaml:1:1: warning: odd');
  });
});

describe('suggest', () => {
  it.each([
    ['memebrs', ['members', 'prune'], 'members'],
    ['Members', ['members'], 'members'],
    ['alcie@corp.example', ['alice@corp.example', 'bob@corp.example'], 'alice@corp.example'],
    ['owner', ['members', 'prune', 'safety'], undefined],
    ['x', [], undefined],
  ])('%s among %j → %s', (word, candidates, expected) => {
    expect(suggest(word, candidates)).toBe(expected);
  });
});

describe('readConfig', () => {
  it('reads, hashes the bytes and loads a file', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'gatesync-read-'));
    try {
      const path = join(directory, 'gatesync.yaml');
      writeFileSync(path, `\uFEFF${doc('version: 1', 'workspaces:', '  research:', '    members: [a@b.co]')}`);
      const result = await readConfig(path);
      expect(result.errors).toEqual([]);
      expect(result.config!.hash).toBe(createHash('sha256').update(readFileSync(path)).digest('hex'));
      expect(result.config!.workspaces[0]!.location).toEqual({ file: path, line: 3, col: 3, path: '/workspaces/research' });
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('reports a missing file at 1:1', async () => {
    const result = await readConfig('/nonexistent/gatesync.yaml');
    expect(only(result.errors)).toMatchObject({ location: { line: 1, col: 1 } });
    expect(result.errors[0]).toMatchObject({ message: 'no such file', hint: expect.stringContaining('with -c') });
  });

  it('refuses a directory', async () => {
    const result = await readConfig(tmpdir());
    expect(only(result.errors).message).toBe(`${tmpdir()} is not a regular file`);
  });
});

describe('the JSON Schema', () => {
  const schema = JSON.parse(readFileSync(new URL('../schemas/gatesync.schema.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  type Node = Record<string, unknown>;
  const definitions = schema.$defs as Record<string, Node>;
  const resolve = (node: Node): Node =>
    typeof node.$ref === 'string' ? { ...resolve(definitions[node.$ref.replace('#/$defs/', '')]!), ...node } : node;

  /** Every field, map value, key schema and definition, with where it sits. */
  function fields(): [string, Node][] {
    const found: [string, Node][] = [['(root)', schema]];
    for (const [name, node] of Object.entries(definitions)) {
      found.push([`$defs/${name}`, node]);
      collect(`$defs/${name}`, node);
    }
    collect('(root)', schema);
    return found;

    function collect(where: string, node: Node): void {
      for (const [name, property] of Object.entries((node.properties as Record<string, Node> | undefined) ?? {})) {
        found.push([`${where}.${name}`, property]);
        collect(`${where}.${name}`, property);
      }
      for (const keyword of ['additionalProperties', 'propertyNames', 'items'] as const) {
        const child = node[keyword];
        if (typeof child === 'object' && child !== null) found.push([`${where}/${keyword}`, child as Node]);
      }
    }
  }

  it.each(fields())('%s has a title, a description and examples', (_where, node) => {
    const resolved = resolve(node);
    expect(typeof resolved.title).toBe('string');
    expect(typeof resolved.description).toBe('string');
    expect(Array.isArray(resolved.examples) && resolved.examples.length > 0).toBe(true);
  });

  it('closes every object except the maps keyed by chosen names', () => {
    const open = fields()
      .filter(([, node]) => node.type === 'object' && node.additionalProperties !== false)
      .map(([where]) => where);
    expect(open.sort()).toEqual(['$defs/workspace.guardrails', '(root).groups', '(root).workspaces']);
  });

  it('uses the same patterns and list limit as the loader', () => {
    expect(definitions.memberRef!.pattern).toBe(MEMBER_REF_PATTERN);
    expect((definitions.protectedList!.items as { pattern: string }).pattern).toBe(PROTECTED_REF_PATTERN);
    expect(definitions.groupName!.pattern).toBe(GROUP_NAME_PATTERN);
    expect(definitions.memberList!.maxItems).toBe(MAX_LIST_ENTRIES);
  });
});
