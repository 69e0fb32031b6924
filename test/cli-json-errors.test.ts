/** `--format json`: stdout always holds one JSON document, the plan or `{ "error": … }`; the exit code is unchanged. */
import { describe, expect, it } from 'vitest';
import { exampleState } from '../src/simulator/index.js';
import { runGatesync, simulatorEnv, workdir } from './support/cli.js';
import { simulatorPerTest } from './support/org.js';

const start = simulatorPerTest();
const valid = 'version: 1\nworkspaces:\n  research:\n    guardrails:\n      Daily cap: [bob@corp.example, carol@corp.example, niaj@corp.example]\n';

describe('JSON errors', () => {
  it('a configuration error: kind, message and every located diagnostic on stdout, the human message on stderr', async () => {
    const simulator = await start({ state: exampleState() });
    const cwd = workdir({ 'gatesync.yaml': 'version: 1\nworkspaces:\n  research:\n    memers: [alice@corp.example]\n' });
    const run = await runGatesync(['plan', '--format', 'json'], { cwd, env: simulatorEnv(simulator) });
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({
      error: {
        kind: 'config',
        message: '1 error in the configuration; nothing was changed',
        diagnostics: [
          {
            severity: 'error',
            message: 'unknown field `memers`',
            hint: 'did you mean `members`?',
            file: 'gatesync.yaml',
            line: 4,
            col: 5,
            path: '/workspaces/research/memers',
          },
        ],
      },
    });
    expect(run.stderr).toContain('gatesync.yaml:4:5: error: unknown field `memers`');
    expect(run.stderr).toContain('gatesync: 1 error in the configuration; nothing was changed.');
  });

  it('a command-line error, even one about the options themselves', async () => {
    const run = await runGatesync(['plan', '--format', 'json', '-o', 'plan.json', '--yes']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({
      error: {
        kind: 'usage',
        message: 'plan does not take these options:\n  -o: it belongs to export and schema; did you mean --out?\n  --yes: it belongs to apply',
        diagnostics: [],
      },
    });
    expect(run.stderr).toContain('gatesync: plan does not take these options:\n  -o: it belongs to export and schema');
  });

  it('no key, and a key the API refuses; never the key itself', async () => {
    const simulator = await start({ state: exampleState() });
    const cwd = workdir({ 'gatesync.yaml': valid });
    const noKey = await runGatesync(['plan', '--format=json'], { cwd, env: { MODELGATES_BASE_URL: simulator.url } });
    expect(noKey.code).toBe(1);
    expect(JSON.parse(noKey.stdout).error).toMatchObject({ kind: 'usage', message: expect.stringContaining('no management key') });

    const wrongKey = 'sk-wrong-key-0123456789';
    const refused = await runGatesync(['plan', '--format', 'json'], { cwd, env: { MODELGATES_BASE_URL: simulator.url, MODELGATES_API_KEY: wrongKey } });
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout).error).toMatchObject({ kind: 'api', message: expect.stringContaining('401') });
    expect(refused.stdout + refused.stderr).not.toContain(wrongKey);
  });

  it('a file that cannot be written leaves the error alone on stdout, not the plan before it', async () => {
    const simulator = await start({ state: exampleState() });
    const cwd = workdir({ 'gatesync.yaml': valid });
    const run = await runGatesync(['plan', '--format', 'json', '--out', 'missing/plan.json'], { cwd, env: simulatorEnv(simulator) });
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).error).toMatchObject({ kind: 'usage', message: expect.stringContaining('cannot write --out') });
  });

  it('without --format json, stdout stays empty on errors', async () => {
    const run = await runGatesync(['plan', '--format', 'text', '-o', 'x']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
  });

  it('a successful plan prints the plan alone', async () => {
    const simulator = await start({ state: exampleState() });
    const run = await runGatesync(['plan', '--format', 'json'], { cwd: workdir({ 'gatesync.yaml': valid }), env: simulatorEnv(simulator) });
    expect(run.code).toBe(0);
    const plan = JSON.parse(run.stdout);
    expect(plan).not.toHaveProperty('error');
    expect(plan.safety_check).toEqual({ result: 'passed', violations: [] });
  });
});
