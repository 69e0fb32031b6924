/** A configuration split across files, offline: which files `-c` finds, how they merge, and each conflict with both places. */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../src/config/format-diagnostic.js';
import { configSources, readConfigSet } from '../src/config/load-set.js';
import { resolve } from '../src/resolution/resolve.js';
import type { Config, LoadResult } from '../src/model/config.js';
import { workdir } from './support/cli.js';
import { observedOf } from './support/states.js';

/** Writes the files (paths may hold folders) into a fresh folder. */
function folder(files: Record<string, string>): string {
  const dir = workdir();
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** Loads what `-c` names, as the CLI does, from `cwd`. */
async function load(cwd: string, ...named: string[]): Promise<LoadResult> {
  const found = await configSources(named, cwd);
  if ('problem' in found) throw new Error(found.problem.message);
  return readConfigSet(found.sources);
}

async function loaded(cwd: string, ...named: string[]): Promise<Config> {
  const result = await load(cwd, ...named);
  expect(result.errors).toEqual([]);
  return result.config!;
}

/** `FILE:LINE:COL` as a location to match. */
function at(place: string) {
  const [file, line, col] = place.split(':');
  return expect.objectContaining({ file, line: Number(line), col: Number(col) });
}

/** The one error of a conflict: at `second`, naming `first` in its message and as its related location. */
function conflict(second: string, first: string, message: string, note: string) {
  return [expect.objectContaining({ location: at(second), message, related: { location: at(first), message: note } })];
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const GROUPS = 'version: 1\ngroups:\n  ml-team:\n    - alice@corp.example\n    - bob@corp.example\n';
const RESEARCH = 'version: 1\nworkspaces:\n  research:\n    members:\n      - group:ml-team\n      - carol@corp.example\n';
const SOLO = 'version: 1\nworkspaces:\n  solo:\n    members: [erin@corp.example]\n';
const PLATFORM = 'version: 1\nprotected:\n  - root@corp.example\nsafety:\n  max_removals: 3\nworkspaces:\n  platform:\n    members: [group:ml-team]\n';

describe('-c: the files of a configuration', () => {
  it('takes every .yaml and .yml file under a folder, recursively, in byte order of their paths; skips hidden folders, node_modules and other files', async () => {
    const dir = folder({
      'config/b.yaml': RESEARCH,
      'config/a.yml': GROUPS,
      'config/Z.yaml': GROUPS,
      'config/teams/a.yaml': PLATFORM,
      'config/teams.yaml': GROUPS,
      'config/.github/workflows/plan.yml': 'on: push\n',
      'config/.hidden.yaml': GROUPS,
      'config/node_modules/x/y.yaml': 'x: 1\n',
      'config/notes.md': '# notes\n',
    });
    const found = await configSources(['config/'], dir);
    expect(found).toEqual({
      sources: ['Z.yaml', 'a.yml', 'b.yaml', 'teams.yaml', 'teams/a.yaml'].map((path) => ({
        path: join(dir, 'config', path),
        label: `config/${path}`,
      })),
    });
  });

  it('takes files and folders in the order given, each file once', async () => {
    const dir = folder({ 'config/a.yaml': GROUPS, 'config/b.yaml': RESEARCH, 'extra.yaml': PLATFORM });
    const found = await configSources(['extra.yaml', 'config', 'config/a.yaml'], dir);
    expect('sources' in found && found.sources.map((source) => source.label)).toEqual(['extra.yaml', 'config/a.yaml', 'config/b.yaml']);
  });

  it('refuses a folder without any configuration file', async () => {
    const dir = folder({ 'config/readme.txt': 'nothing\n', 'config/.git/x.yaml': GROUPS });
    expect(await configSources(['config'], dir)).toEqual({
      problem: { message: '-c config: the folder holds no .yaml or .yml file', hint: expect.stringContaining('hidden folders and node_modules') },
    });
  });
});

describe('merging the files', () => {
  it('unites workspaces, groups and protected; a group of one file works in another; top-level safety governs every workspace', async () => {
    const dir = folder({ 'config/groups.yaml': GROUPS, 'config/platform.yaml': PLATFORM, 'config/research.yaml': RESEARCH });
    const config = await loaded(dir, 'config');
    expect(config.files).toEqual([
      { path: 'config/groups.yaml', sha256: sha256(GROUPS) },
      { path: 'config/platform.yaml', sha256: sha256(PLATFORM) },
      { path: 'config/research.yaml', sha256: sha256(RESEARCH) },
    ]);
    const [platform, research] = config.workspaces;
    expect(platform).toMatchObject({ key: 'platform', location: { file: 'config/platform.yaml', line: 7 } });
    expect(research).toMatchObject({ key: 'research', location: { file: 'config/research.yaml', line: 3 } });
    expect(research!.members!.map((m) => [m.ref, m.via, m.location.file, m.viaLocation?.file])).toEqual([
      ['alice@corp.example', 'ml-team', 'config/groups.yaml', 'config/research.yaml'],
      ['bob@corp.example', 'ml-team', 'config/groups.yaml', 'config/research.yaml'],
      ['carol@corp.example', undefined, 'config/research.yaml', undefined],
    ]);
    expect(research!.protected.map((m) => m.ref)).toEqual(['root@corp.example']);
    expect(research!.safety).toEqual({ maxRemovalPercent: 25, minExisting: 10, maxRemovals: 3 });
    expect(config.safety.maxRemovals).toBe(3);
  });

  it('hashes the set: one file keeps the hash of its bytes; any file added, removed, renamed or edited changes the set hash', async () => {
    const dir = folder({ 'config/groups.yaml': GROUPS, 'config/research.yaml': RESEARCH, 'solo.yaml': SOLO });
    expect((await loaded(dir, 'solo.yaml')).hash).toBe(sha256(SOLO));
    const before = (await loaded(dir, 'config')).hash;
    writeFileSync(join(dir, 'config/research.yaml'), RESEARCH + '      - dave@corp.example\n');
    const edited = (await loaded(dir, 'config')).hash;
    writeFileSync(join(dir, 'config/more.yaml'), 'version: 1\nworkspaces:\n  x:\n    members: [erin@corp.example]\n');
    const added = (await loaded(dir, 'config')).hash;
    expect(new Set([before, edited, added]).size).toBe(3);
  });

  it('reports problems of every file, each naming its file, in file order', async () => {
    const dir = folder({
      'config/a.yaml': 'version: 1\nworkspaces:\n  research:\n    memers: []\n',
      'config/b.yaml': 'version: 2\n',
    });
    const result = await load(dir, 'config');
    expect(result.config).toBeUndefined();
    expect(result.errors.map((e) => `${e.location.file}:${e.location.line}`)).toEqual(['config/a.yaml:4', 'config/b.yaml:1']);
  });

  it('needs one file that manages something, and accepts files that only define groups', async () => {
    const dir = folder({ 'config/groups.yaml': GROUPS, 'config/more.yaml': 'version: 1\ngroups:\n  other: [erin@corp.example]\n' });
    const result = await load(dir, 'config');
    expect(result.errors).toEqual([expect.objectContaining({ message: expect.stringContaining('these 2 files manage nothing') })]);
  });
});

describe('conflicts name both places', () => {
  it('a workspace declared in two files', async () => {
    const dir = folder({ 'config/a.yaml': RESEARCH, 'config/groups.yaml': GROUPS, 'config/b.yaml': `version: 1\nworkspaces:\n  platform: { members: [] , allow_empty: true }\n  research:\n    members: [dave@corp.example]\n` });
    const result = await load(dir, 'config');
    expect(result.errors).toHaveLength(1);
    const [error] = result.errors;
    expect(error).toMatchObject({
      location: { file: 'config/b.yaml', line: 4, col: 3 },
      message: 'workspace `research` is also declared at config/a.yaml:3:3',
      related: { location: { file: 'config/a.yaml', line: 3, col: 3 }, message: 'workspace `research` first declared here' },
    });
    expect(formatDiagnostic(error!)).toBe(
      'config/b.yaml:4:3: error: workspace `research` is also declared at config/a.yaml:3:3 (at /workspaces/research)\n' +
        '  hint: declare each workspace in one file only: merge the two blocks, or remove one\n' +
        '  config/a.yaml:3:3: note: workspace `research` first declared here',
    );
  });

  it('a workspace UUID written in two files in different letter case', async () => {
    const uuid = '0b7e9f3a-3c1d-4a8e-9f55-2d8c0e6b1a47';
    const dir = folder({
      'a.yaml': `version: 1\nworkspaces:\n  ${uuid}:\n    members: [alice@corp.example]\n`,
      'b.yaml': `version: 1\nworkspaces:\n  ${uuid.toUpperCase()}:\n    members: [bob@corp.example]\n`,
    });
    const result = await load(dir, 'a.yaml', 'b.yaml');
    expect(result.errors).toEqual(
      conflict('b.yaml:3:3', 'a.yaml:3:3', `workspace \`${uuid.toUpperCase()}\` is also declared at a.yaml:3:3`, `workspace \`${uuid}\` first declared here`),
    );
  });

  it('a group defined in two files', async () => {
    const dir = folder({ 'config/a.yaml': GROUPS, 'config/b.yaml': RESEARCH, 'config/c.yaml': 'version: 1\ngroups:\n  ml-team: [dave@corp.example]\n' });
    const result = await load(dir, 'config');
    expect(result.errors).toEqual(
      conflict('config/c.yaml:3:3', 'config/a.yaml:3:3', 'group `ml-team` is also defined at config/a.yaml:3:3', 'group `ml-team` first defined here'),
    );
  });

  it('two files whose top-level safety differs; the same limits in both are fine', async () => {
    const safety = (limit: number) => `version: 1\nsafety:\n  max_removals: ${limit}\n`;
    const dir = folder({ 'a.yaml': SOLO, 'b.yaml': safety(3), 'c.yaml': safety(3), 'd.yaml': safety(5) });
    expect((await load(dir, 'a.yaml', 'b.yaml', 'c.yaml')).errors).toEqual([]);
    const result = await load(dir, 'a.yaml', 'b.yaml', 'd.yaml');
    expect(result.errors).toEqual(conflict('d.yaml:2:1', 'b.yaml:2:1', 'top-level `safety` differs from the one at b.yaml:2:1', 'top-level `safety` first set here'));
  });

  it('a workspace named by slug in one file and by its id in another, once resolution knows them the same', async () => {
    const dir = folder({ 'a.yaml': SOLO.replace('solo', 'research'), 'b.yaml': 'version: 1\nworkspaces:\n  ws-research:\n    members: [dave@corp.example]\n' });
    const config = await loaded(dir, 'a.yaml', 'b.yaml');
    const observed = observedOf({ users: ['u1'], workspaces: { research: { members: [] } } });
    observed.workspacesByKey.set('ws-research', observed.workspacesByKey.get('research'));
    const result = resolve(config, observed);
    const twin = result.errors.find((e) => e.message.includes('same workspace'));
    expect(twin).toMatchObject({
      location: { file: 'b.yaml', line: 3, col: 3 },
      message: 'ws-research is the same workspace as research (a.yaml:3:3)',
      related: { location: { file: 'a.yaml', line: 3, col: 3 } },
    });
  });
});

describe('limits of the set', () => {
  it('holds the files together to the entry limit of one file, naming the file that passes it', async () => {
    const members = (from: number) => Array.from({ length: 900_000 }, (_, i) => `      - m${from + i}@corp.example\n`).join('');
    const file = (slug: string, from: number) => `version: 1\nworkspaces:\n  ${slug}:\n    members:\n${members(from)}`;
    const dir = folder({ 'config/a.yaml': file('a', 0), 'config/b.yaml': file('b', 1_000_000), 'config/c.yaml': file('c', 2_000_000) });
    const result = await load(dir, 'config');
    expect(result.errors).toEqual([
      expect.objectContaining({ location: at('config/c.yaml:1:1'), message: expect.stringContaining('hold more than 2,500,000 entries') }),
    ]);
  }, 60_000);
});
