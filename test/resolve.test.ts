/** Online resolution errors through `gatesync plan`: each names its line and column, and nothing is written. */
import { describe, expect, it } from 'vitest';
import { exampleState } from '../src/simulator/index.js';
import { simulatorPerTest } from './support/org.js';
import { runGatesync, simulatorEnv, workdir } from './support/cli.js';

const start = simulatorPerTest();

async function planFile(yaml: string, state = exampleState()) {
  const simulator = await start({ state });
  const run = await runGatesync(['plan'], { cwd: workdir({ 'gatesync.yaml': yaml }), env: simulatorEnv(simulator) });
  return { run, simulator };
}

describe('resolution errors', () => {
  it.each([
    [
      'unknown email, with did you mean',
      'version: 1\nworkspaces:\n  research:\n    members:\n      - alice@corp.example\n      - grcae@corp.example\n',
      'gatesync.yaml:6:9: error: no organization member has the email grcae@corp.example',
      'hint: did you mean grace@corp.example?',
    ],
    [
      'unknown user id',
      'version: 1\nworkspaces:\n  research:\n    members: [user_2alicee]\n',
      'gatesync.yaml:4:15: error: no organization member has the id user_2alicee',
      'did you mean user_2alice?',
    ],
    [
      'unknown workspace, with did you mean',
      'version: 1\nworkspaces:\n  plaftorm:\n    members: [erin@corp.example]\n',
      'gatesync.yaml:3:3: error: no workspace has the slug or id plaftorm',
      'did you mean platform?',
    ],
    [
      'one workspace under two keys',
      'version: 1\nworkspaces:\n  research:\n    members: [alice@corp.example]\n  0c0a0000-0000-4000-8000-000000000002:\n    members: [alice@corp.example]\n',
      'gatesync.yaml:5:3: error: 0c0a0000-0000-4000-8000-000000000002 is the same workspace as research (line 3)',
      'list each workspace once',
    ],
    [
      'guardrail of another workspace',
      'version: 1\nworkspaces:\n  research:\n    guardrails:\n      9a000000-0000-4000-8000-000000000301: [alice@corp.example]\n',
      'gatesync.yaml:5:7: error: guardrail Production (9a000000-0000-4000-8000-000000000301) belongs to another workspace',
      'list it under its own workspace',
    ],
    [
      'guardrail with no workspace',
      'version: 1\nworkspaces:\n  research:\n    guardrails:\n      9a000000-0000-4000-8000-000000000900: [alice@corp.example]\n',
      'gatesync.yaml:5:7: error: guardrail Legacy key budget (9a000000-0000-4000-8000-000000000900) has no workspace',
      'cannot be assigned',
    ],
    [
      "the workspace's default guardrail",
      'version: 1\nworkspaces:\n  research:\n    guardrails:\n      Research default: [alice@corp.example]\n',
      'gatesync.yaml:5:7: error: Research default is the default guardrail of workspace research',
      'hint:',
    ],
    [
      "the workspace's default guardrail, named for its keys only",
      'version: 1\nworkspaces:\n  research:\n    guardrails:\n      Research default: { keys: [research-ci] }\n',
      'gatesync.yaml:5:7: error: Research default is the default guardrail of workspace research',
      'hint:',
    ],
    [
      'unknown guardrail name, with did you mean',
      'version: 1\nworkspaces:\n  research:\n    guardrails:\n      Daily cpa: [alice@corp.example]\n',
      'gatesync.yaml:5:7: error: workspace research has no guardrail named Daily cpa',
      'did you mean Daily cap?',
    ],
    [
      'members on the default workspace, named by its UUID',
      'version: 1\nworkspaces:\n  0c0a0000-0000-4000-8000-000000000001:\n    members: [alice@corp.example]\n',
      'gatesync.yaml:4:5: error: workspace default is the default workspace: every organization member belongs to it',
      "remove `members` here",
    ],
    [
      'the same person under two guardrails, once by email and once by id',
      'version: 1\nworkspaces:\n  research:\n    guardrails:\n      Daily cap: [bob@corp.example]\n      GPU heavy: [user_2bob]\n',
      'gatesync.yaml:6:19: error: user_2bob is listed under guardrails Daily cap (line 5) and GPU heavy of workspace research',
      'at most one guardrail per workspace',
    ],
  ])('%s', async (_name, yaml, error, hint) => {
    const { run, simulator } = await planFile(yaml);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(error);
    expect(run.stderr).toContain(hint);
    expect(run.stdout).toBe('');
    expect(simulator.stats.writes).toBe(0);
  });

  it('an ambiguous guardrail name asks for the UUID', async () => {
    const state = exampleState();
    const twin = { ...state.guardrails.find((g) => g.name === 'GPU heavy')!, id: '9a000000-0000-4000-8000-000000000299', members: [] };
    state.guardrails.push(twin);
    const { run } = await planFile('version: 1\nworkspaces:\n  research:\n    guardrails:\n      GPU heavy: [alice@corp.example]\n', state);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('gatesync.yaml:5:7: error: workspace research has 2 guardrails named GPU heavy');
    expect(run.stderr).toContain('9a000000-0000-4000-8000-000000000299');
  });

  it('one guardrail under its name and its UUID is an error naming both lines', async () => {
    const { run } = await planFile(
      'version: 1\nworkspaces:\n  research:\n    guardrails:\n      Daily cap: [bob@corp.example]\n      9a000000-0000-4000-8000-000000000201: [alice@corp.example]\n',
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('gatesync.yaml:6:7: error: 9a000000-0000-4000-8000-000000000201 is the same guardrail as Daily cap (line 5)');
  });

  it('two guardrails sharing a name, by UUID, still hold a member once', async () => {
    const state = exampleState();
    state.guardrails.push({ ...state.guardrails.find((g) => g.name === 'GPU heavy')!, id: '9a000000-0000-4000-8000-000000000299', members: [] });
    const { run } = await planFile(
      'version: 1\nworkspaces:\n  research:\n    guardrails:\n      9a000000-0000-4000-8000-000000000202: [alice@corp.example]\n      9a000000-0000-4000-8000-000000000299: [user_2alice]\n',
      state,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('gatesync.yaml:6:46: error: user_2alice is listed under guardrails GPU heavy (line 5) and GPU heavy');
  });

  it('reports an unknown top-level protected member once, not once per workspace', async () => {
    const { run } = await planFile(
      'version: 1\nprotected: [nobody@corp.example]\nworkspaces:\n  research:\n    guardrails:\n      Daily cap: [bob@corp.example]\n  platform:\n    guardrails:\n      Staging: [mallory@corp.example]\n',
    );
    expect(run.code).toBe(1);
    expect(run.stderr.match(/no organization member has the email nobody@corp\.example/g)).toHaveLength(1);
  });

  it('matches UUIDs whatever their case, and emails whatever their Unicode form', async () => {
    const state = exampleState();
    state.members.push({ ...state.members[0]!, id: 'user_2jurgen', email: 'j\u00fcrgen@corp.example' });
    state.workspaces.find((w) => w.slug === 'research')!.members!.push('user_2jurgen');
    const { run } = await planFile(
      'version: 1\nworkspaces:\n  0C0A0000-0000-4000-8000-000000000002:\n    guardrails:\n      9A000000-0000-4000-8000-000000000202: [dave@corp.example, ju\u0308rgen@corp.example]\n',
      state,
    );
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('Plan: 1 to assign, in 1 workspace.');
  });

  it('warns once when one person is listed by email and by id, and plans them once', async () => {
    const { run } = await planFile('version: 1\nworkspaces:\n  research:\n    guardrails:\n      Daily cap: [bob@corp.example, user_2bob, carol@corp.example, niaj@corp.example, Alice@corp.example]\n');
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/gatesync\.yaml:5:\d+: warning: user_2bob is the same person as bob@corp\.example \(line 5\)/);
    expect(run.stdout).toContain('Plan: 1 to assign, in 1 workspace.');
  });
});
