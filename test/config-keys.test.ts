/** `keys:` under a guardrail and `key:` entries in `protected`, read offline. */
import { describe, expect, it } from 'vitest';
import { parseBlockYaml } from '../src/config/block-yaml.js';
import { loadConfig } from '../src/config/load-config.js';

const file = (...lines: string[]) => ['version: 1', ...lines, ''].join('\n');

describe('keys in the file', () => {
  it('records each key of a guardrail where it is written, and key: entries of protected lists apart from members', () => {
    const { config, errors } = loadConfig(
      file(
        'protected:',
        '  - key:research-ci',
        '  - admin@corp.example',
        'workspaces:',
        '  research:',
        '    protected: [key:3f9a0c7d]',
        '    guardrails:',
        '      Daily cap:',
        '        members:',
        '          - alice@corp.example',
        '        keys:',
        '          - research-ci',
        '          - notebooks',
      ),
      'g.yaml',
    );
    expect(errors).toEqual([]);
    const research = config!.workspaces[0]!;
    expect(research.protected.map((m) => m.ref)).toEqual(['admin@corp.example']);
    expect(research.protectedKeys.map((k) => [k.ref, k.location.line])).toEqual([
      ['research-ci', 3],
      ['3f9a0c7d', 7],
    ]);
    expect(research.guardrails[0]!.keys!.map((k) => [k.ref, k.location.line, k.location.path])).toEqual([
      ['research-ci', 13, '/workspaces/research/guardrails/Daily cap/keys/0'],
      ['notebooks', 14, '/workspaces/research/guardrails/Daily cap/keys/1'],
    ]);
  });

  it('leaves keys unmanaged on a guardrail without keys:', () => {
    const { config } = loadConfig(file('workspaces:', '  research:', '    guardrails:', '      Daily cap: [alice@corp.example]'), 'g.yaml');
    expect(config!.workspaces[0]!.guardrails[0]!.keys).toBeUndefined();
  });

  it('refuses an empty key reference, and still explains a bad email in protected', () => {
    const { errors } = loadConfig(file('protected: ["key:", "bob@corp"]', 'workspaces:', '  research:', '    members: [a@corp.example]'), 'g.yaml');
    expect(errors.map((e) => e.message)).toEqual([
      'entry 1 of `protected`: the string "key:" is not a valid protected member or key',
      '"bob@corp" is not a valid email address',
    ]);
  });
});

describe('a guardrail named for its keys only', () => {
  const blockStyle = file(
    'workspaces:',
    '  research:',
    '    members:',
    '      - alice@corp.example',
    '      - bob@corp.example',
    '    guardrails:',
    '      Daily cap:',
    '        - alice@corp.example',
    '      CI budget:',
    '        keys:',
    '          - research-ci',
    '        prune: false',
  );
  const flowStyle = file(
    'workspaces:',
    '  research:',
    '    members: [alice@corp.example, bob@corp.example]',
    '    guardrails:',
    '      Daily cap: [alice@corp.example]',
    '      CI budget: { keys: [research-ci], prune: false }',
  );

  it.each([
    ['plain block style, read in one pass', blockStyle, true],
    ['flow style, read by the yaml package', flowStyle, false],
  ])('loads in %s, leaving its member assignments unmanaged', (_style, text, onePass) => {
    expect('value' in parseBlockYaml(text, 'g.yaml')).toBe(onePass);
    const { config, errors, warnings } = loadConfig(text, 'g.yaml');
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
    const [dailyCap, ciBudget] = config!.workspaces[0]!.guardrails;
    expect(dailyCap!.members!.map((m) => m.ref)).toEqual(['alice@corp.example']);
    expect(ciBudget).toMatchObject({ key: 'CI budget', prune: false, allowEmpty: false });
    expect(ciBudget!.members).toBeUndefined();
    expect(ciBudget!.keys!.map((k) => k.ref)).toEqual(['research-ci']);
  });

  it('needs no allow_empty for its absent member list; an empty key list is weighed by the safety limits at plan time', () => {
    const { config, errors } = loadConfig(file('workspaces:', '  research:', '    guardrails:', '      CI budget:', '        keys: []'), 'g.yaml');
    expect(errors).toEqual([]);
    expect(config!.workspaces[0]!.guardrails[0]).toMatchObject({ keys: [], allowEmpty: false });
  });

  it('still refuses an empty member list next to keys without allow_empty', () => {
    const { errors } = loadConfig(
      file('workspaces:', '  research:', '    guardrails:', '      CI budget:', '        members: []', '        keys: [research-ci]'),
      'g.yaml',
    );
    expect(errors.map((e) => [e.message, e.location.line])).toEqual([['guardrail `CI budget` lists no members: this would unassign everyone from it', 6]]);
  });
});
