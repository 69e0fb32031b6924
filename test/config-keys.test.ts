/** `keys:` under a guardrail and `key:` entries in `protected`, read offline. */
import { describe, expect, it } from 'vitest';
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
