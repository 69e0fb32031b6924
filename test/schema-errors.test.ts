/** Pattern mismatches read as words, in gatesync and in editors: never as the raw regex. */
import type { ErrorObject } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import schema from '../schemas/gatesync.schema.json' with { type: 'json' };
import { loadConfig } from '../src/config/load-config.js';
import { explainSchemaError } from '../src/config/schema-errors.js';
import { parseYaml } from '../src/config/parse-yaml.js';

const definitions = schema.$defs as Record<string, Record<string, unknown>>;

describe('pattern mismatches', () => {
  it('every pattern of the schema carries a readable message for editors', () => {
    for (const [name, node] of Object.entries(definitions)) {
      if (node.pattern === undefined) continue;
      expect(typeof node.patternErrorMessage, name).toBe('string');
      expect(node.patternErrorMessage, name).not.toContain('[');
    }
  });

  it('a bad group name says what a group name may hold', () => {
    const loaded = loadConfig('version: 1\ngroups:\n  "-team": [a@corp.example]\nworkspaces:\n  r:\n    members: [group:-team]\n', 'g.yaml');
    const error = loaded.errors.find((e) => e.location.line === 3)!;
    expect(error.message).toBe('`-team` is not a valid group name');
    expect(error.hint).toBe(definitions.groupName!.patternErrorMessage);
    for (const diagnostic of loaded.errors) expect(`${diagnostic.message} ${diagnostic.hint}`).not.toMatch(/\^|\$|\[A-Z/);
  });

  it('a value failing a pattern the loader has no explanation for names what was expected, not the regex', () => {
    const { locator } = parseYaml('members: [x]\n', 'g.yaml').parsed!;
    const error: ErrorObject = {
      keyword: 'pattern',
      instancePath: '/members/0',
      schemaPath: '#/pattern',
      params: { pattern: '^z$' },
      schema: '^z$',
      parentSchema: { title: 'Team code', pattern: '^z$', patternErrorMessage: 'Team codes are the letter z.' },
      data: 'x',
    };
    const explained = explainSchemaError(error, locator);
    expect(explained.message).toBe('entry 1 of `members`: the string "x" is not a valid team code');
    expect(explained.hint).toBe('Team codes are the letter z.');
    expect(explained.location.line).toBe(1);
  });
});
