/**
 * The one-pass reader of plain block YAML against the yaml package: where it
 * reads a file, the value and every location are the yaml package's; where
 * it is unsure, it declines and the file takes the full path.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBlockYaml } from '../src/config/block-yaml.js';
import { parseYaml } from '../src/config/parse-yaml.js';
import { renderConfig } from '../src/resolution/render-config.js';
import type { Locator, PathSegment } from '../src/config/yaml-locations.js';
import { observedOf } from './support/states.js';

function pathsOf(value: unknown, path: PathSegment[] = []): PathSegment[][] {
  const here = [path];
  if (Array.isArray(value)) return [...here, ...value.flatMap((item, index) => pathsOf(item, [...path, index]))];
  if (typeof value === 'object' && value !== null) {
    return [...here, ...Object.entries(value).flatMap(([key, item]) => pathsOf(item, [...path, key]))];
  }
  return here;
}

function expectSameAsYamlPackage(text: string): void {
  const outcome = parseBlockYaml(text, 'g.yaml');
  expect(outcome, 'read by the one-pass reader').toHaveProperty('value');
  const block = outcome as { value: unknown; locator: Locator };
  const full = parseYaml(text, 'g.yaml');
  expect(full.errors).toEqual([]);
  expect(block.value).toEqual(full.parsed!.value);
  const locators: [Locator, Locator] = [block.locator, full.parsed!.locator];
  for (const path of [...pathsOf(block.value), [...pathsOf(block.value).at(-1)!, 'missing']]) {
    for (const target of ['value', 'key'] as const) {
      expect(locators[0].at(path, target), `${path.join('/')} (${target})`).toEqual(locators[1].at(path, target));
    }
  }
  for (const offset of [0, 1, Math.floor(text.length / 2), text.length - 1]) {
    expect(locators[0].atOffset(offset, ''), `offset ${offset}`).toEqual(locators[1].atOffset(offset, ''));
  }
}

const WITHIN = {
  'comments everywhere': '# head\n\nversion: 1  # v\n# between\nworkspaces:\n  # before the block\n  research:   # r\n    members:\n      - a@corp.example  # A\n\n      # inside\n      - user_2abc\n',
  'quoted keys and values':
    'version: 1\nworkspaces:\n  "odd: name":\n    guardrails:\n      \'it\'\'s # here\':\n        - "x@corp.example"  # q\n' +
    '      "Daily cap": []\n      plain key:\n        - \'a@b.co\'\n',
  'scalars of every core type': '-x: -y\n?k: :v\na: null\nb: ~\nc: true\nd: FALSE\ne: 42\nf: -7\ng: text with spaces\nh: a#b\ni:\nj: {}\nk: []\nl: x:y\nm: "" \n',
  'no final newline and an empty value last': 'version: 1\nworkspaces:\n  research:\n    members:',
  'deeper lists and long form':
    'version: 1\nworkspaces:\n  w:\n    guardrails:\n      G:\n        members:\n          - a@b.co\n        prune: false\n    prune: true\n' +
    '  v:\n    members: []\n    allow_empty: true\n',
  'trailing spaces, hashes in keys, an empty key': 'version: 1   \nC#: x  \nempty:   \nblock:  # why\n  - a   \n  - b#c # d\n"": 2\nlast:    \n',
};

const OUTSIDE = {
  anchor: 'a: &x [1]\nb: *x\n',
  'flow list': 'a: [x, y]\n',
  'block scalar': 'a: |\n  text\n',
  tab: 'a:\n\t- x\n',
  crlf: 'a: 1\r\nb: 2\r\n',
  float: 'a: 1.5\n',
  hex: 'a: 0x1F\n',
  'duplicate key': 'a: 1\na: 2\n',
  'list at the indentation of its key': 'a:\n- x\n',
  'multi-line plain scalar': 'a: one\n  two\n',
  'mapping in a list': 'a:\n  - k: v\n',
  directive: '%YAML 1.1\n---\na: 1\n',
  'document marker': '---\na: 1\n',
  'escape in double quotes': 'a: "x\\ty"\n',
  'unclosed quote': 'a: "x\n',
  'top-level list': '- a\n',
  'key that is a number': '1: a\n',
  'empty file': '',
  'only comments': '# nothing\n',
  'indentation that matches no open block': 'a:\n    b: 1\n  c: 2\n',
  'value with colon and space': 'a: b: c\n',
  tag: 'a: !str x\n',
};

describe('one-pass reader', () => {
  it.each(Object.entries(WITHIN))('reads %s exactly as the yaml package does', (_name, text) => {
    expectSameAsYamlPackage(text);
  });

  it.each(Object.entries(OUTSIDE))('declines %s', (_name, text) => {
    expect(parseBlockYaml(text, 'g.yaml')).toHaveProperty('declined');
  });

  it('reads exported files, hostile names included, exactly as the yaml package does', () => {
    const observed = observedOf({
      users: ['user_a', 'user_b', 'user_c'],
      workspaces: { default: { guardrails: { 'Cap: next #1': ['user_a'], '-7': ['user_b'] } }, research: { members: ['user_a', 'user_b'], guardrails: { "it's": ['user_b'] } } },
    });
    observed.orgMembers.get('user_a')!.firstName = 'Eve\n- mallory@corp.example \u001b';
    observed.orgMembers.get('user_b')!.email = 'admin@localhost';
    expectSameAsYamlPackage(renderConfig(observed, { schemaRef: './gatesync.schema.json' })!);
  });

  it('agrees with the yaml package on every committed file it reads', () => {
    const folder = join(import.meta.dirname, 'fixtures', 'bad');
    const files = [join(import.meta.dirname, '..', 'examples', 'gatesync.yaml'), ...readdirSync(folder).map((file) => join(folder, file))];
    let read = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      if (!('value' in parseBlockYaml(text, 'g.yaml'))) continue;
      read += 1;
      expectSameAsYamlPackage(text);
    }
    expect(read).toBeGreaterThan(10);
  });
});
