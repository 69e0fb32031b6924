/**
 * Every malformed or hostile file ends in a located error, quickly.
 *
 * Committed fixtures (`test/fixtures/bad/`) state what they expect in their
 * first lines: `# expect: <part of the message>` and `# expect-at: LINE:COL`.
 * Files where a comment is not possible (binary, BOM, UTF-16) are described
 * in `expectations.json`. `online-*` fixtures are valid offline: their
 * problem (`# expect-online:`) is found at resolution against the API.
 * Huge inputs are generated here, into a temporary directory.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuMs } from './support/cpu.js';
import { readConfig, type LoadResult } from '../src/config/index.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/bad/', import.meta.url));
const TIME_LIMIT_MS = 2_000;

interface Expectation {
  file: string;
  expect: string;
  /** `LINE:COL` of the error carrying `expect`. */
  at?: string;
}

const sideExpectations = JSON.parse(readFileSync(join(FIXTURES, 'expectations.json'), 'utf8')) as Record<
  string,
  Omit<Expectation, 'file'>
>;

function fixtureFiles(): string[] {
  return readdirSync(FIXTURES)
    .filter((file) => file !== 'expectations.json')
    .sort();
}

function offlineExpectations(): Expectation[] {
  return fixtureFiles()
    .filter((file) => !file.startsWith('online-'))
    .map((file) => {
      const side = sideExpectations[file];
      if (side !== undefined) return { file, ...side };
      const head = readFileSync(join(FIXTURES, file), 'utf8').split(/\r?\n/).slice(0, 3).join('\n');
      const expected = /^# expect: (.+)$/m.exec(head)?.[1];
      if (expected === undefined) throw new Error(`${file} has no "# expect:" line and no entry in expectations.json`);
      const at = /^# expect-at: (\d+:\d+)$/m.exec(head)?.[1];
      return at === undefined ? { file, expect: expected } : { file, expect: expected, at };
    });
}

/** `elapsedMs` is CPU time: the bound holds on a loaded machine too. */
async function timedRead(path: string): Promise<{ result: LoadResult; elapsedMs: number }> {
  const { result, cpuMs: elapsedMs } = await cpuMs(() => readConfig(path));
  return { result, elapsedMs };
}

function expectLocatedError(result: LoadResult, expected: string, at?: string): void {
  expect(result.config).toBeUndefined();
  expect(result.errors.length).toBeGreaterThanOrEqual(1);
  const error = result.errors.find((candidate) => candidate.message.includes(expected));
  expect(error, `no error mentions "${expected}"; got: ${result.errors.map((e) => e.message).join(' | ')}`).toBeDefined();
  expect(error!.location.line).toBeGreaterThanOrEqual(1);
  expect(error!.location.col).toBeGreaterThanOrEqual(1);
  if (at !== undefined) expect(`${error!.location.line}:${error!.location.col}`).toBe(at);
}

describe('committed bad fixtures', () => {
  const expectations = offlineExpectations();

  it('has at least 25 offline fixtures', () => {
    expect(expectations.length).toBeGreaterThanOrEqual(25);
  });

  it.each(expectations)('$file → "$expect"', async ({ file, expect: expected, at }) => {
    const { result, elapsedMs } = await timedRead(join(FIXTURES, file));
    expectLocatedError(result, expected, at);
    expect(elapsedMs).toBeLessThan(TIME_LIMIT_MS);
  });

  const onlineOnly = fixtureFiles().filter((file) => file.startsWith('online-'));

  it.each(onlineOnly)('%s is valid offline (its problem is found online)', async (file) => {
    expect(readFileSync(join(FIXTURES, file), 'utf8')).toMatch(/^# expect-online: .+/);
    const { result } = await timedRead(join(FIXTURES, file));
    expect(result.errors).toEqual([]);
    expect(result.config).toBeDefined();
  });
});

describe('generated hostile files', () => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'gatesync-corpus-'));
  });
  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  const head = 'version: 1\nworkspaces:\n  research:\n    members:\n';
  const cases: { name: string; content: () => string | Buffer; expect: string; at?: string }[] = [
    {
      name: '130 MB file',
      content: () => Buffer.concat([Buffer.from('version: 1\n# '), Buffer.alloc(130 * 1024 * 1024, 'x')]),
      expect: 'over the 128 MB limit',
      at: '1:1',
    },
    {
      name: '1,000,000-entry list at the indentation of its key (not plain block style)',
      // Four bytes an entry, so that the list and not the size limit stops it.
      content: () => `version: 1\nprotected:\n${'- u\n'.repeat(1_000_000)}`,
      expect: 'this list has more than 50,000 entries',
      at: '3:1',
    },
    {
      name: '1,000,001-entry block list',
      content: () => `version: 1\nprotected:\n${'  - u\n'.repeat(1_000_001)}`,
      expect: 'this list has more than 1,000,000 entries',
      at: '3:3',
    },
    {
      name: '2,500,001 entries in block lists',
      content: () => `version: 1\nworkspaces:\n${Array.from({ length: 5 }, (_, i) => `  w${i}:\n    members:\n${'      - u\n'.repeat(500_000)}`).join('')}`,
      expect: 'the file has more than 2,500,000 entries',
    },
    {
      name: '6 MB file with a flow list',
      content: () => `version: 1\nworkspaces:\n  w:\n    members:\n${'      - someone@corp.example\n'.repeat(220_000)}    protected: [a@corp.example]\n`,
      expect: 'here it uses YAML beyond plain block style, which only files up to 5 MB may',
      at: '220005:5',
    },
    {
      name: '6 MB file with a duplicate key',
      content: () => `version: 1\nworkspaces:\n  w:\n    members:\n${'      - someone@corp.example\n'.repeat(220_000)}  w:\n    prune: false\n`,
      expect: 'duplicate key `w`: it is already set at line 3',
      at: '220005:3',
    },
    {
      name: '1,000,000-entry flow list',
      content: () => `${head.slice(0, -1)} [${'u,'.repeat(1_000_000)}]\n`,
      expect: 'this list has more than 50,000 entries',
      at: '4:14',
    },
    {
      name: '1,000,001 real emails',
      content: () => head + '      - someone@corp.example\n'.repeat(1_000_001),
      expect: 'this list has more than 1,000,000 entries',
    },
    {
      name: 'flow nesting depth 10,000',
      content: () => `version: 1\nworkspaces: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`,
      expect: 'collections nest deeper than 32 levels',
    },
    {
      name: 'flow mapping nesting depth 10,000',
      content: () => `version: 1\nworkspaces: ${'{a: '.repeat(10_000)}1${'}'.repeat(10_000)}\n`,
      expect: 'collections nest deeper than 32 levels',
    },
    {
      name: 'block sequence nesting depth 10,000',
      content: () => `version: 1\nworkspaces:\n${'- '.repeat(10_000)}x\n`,
      expect: 'collections nest deeper than 32 levels',
    },
    {
      name: 'indented mapping nesting 3,000 deep',
      content: () => Array.from({ length: 3_000 }, (_, depth) => `${' '.repeat(depth)}k:`).join('\n') + ' 1\n',
      expect: 'collections nest deeper than 32 levels',
      at: '33:33',
    },
    {
      name: '100 MB of blank lines',
      content: () => `version: 1\n${'\n'.repeat(100 * 1024 * 1024)}`,
      expect: 'it has no `workspaces`',
    },
    {
      name: '5 MB of blank lines and a flow list',
      content: () => `version: 1\n${'\n'.repeat(5 * 1024 * 1024 - 40)}workspaces: [x]\n`,
      expect: 'YAML tokens',
    },
    {
      name: '5 MB on one line, in 1,000,000 tokens',
      content: () => `version: 1\nworkspaces: ${'!a '.repeat(1_500_000)}x\n`,
      expect: 'YAML tokens',
    },
    {
      name: '100,000 aliases of one anchor',
      content: () => `version: 1\nteam: &t [a@b.co]\nworkspaces: [${'*t,'.repeat(100_000)}]\n`,
      expect: 'more than 1,000 aliases',
    },
    {
      name: 'groups multiplied across many workspaces',
      content: () =>
        `version: 1\ngroups:\n  everyone:\n${Array.from({ length: 60_000 }, (_, i) => `    - u${i}@corp.example\n`).join('')}workspaces:\n` +
        Array.from({ length: 50 }, (_, i) => `  w${i}:\n    members:\n      - group:everyone\n`).join(''),
      expect: 'expanding groups lists more than 2,500,000 members',
    },
  ];

  it.each(cases)('$name', async ({ name, content, expect: expected, at }) => {
    const path = join(directory, `${name.replace(/\W+/g, '-')}.yaml`);
    writeFileSync(path, content());
    const { result, elapsedMs } = await timedRead(path);
    expectLocatedError(result, expected, at);
    expect(elapsedMs).toBeLessThan(TIME_LIMIT_MS);
  });
});
