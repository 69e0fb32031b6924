/** The management key appears in no output, log, error or plan file of a full run. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { exampleState, type RunningSimulator } from '../src/simulator/index.js';
import { simulatorPerTest } from './support/org.js';
import { runGatesync, workdir } from './support/cli.js';

const KEY = 'sk-mg-v1-7f3a9c1e5b2d4f6a8c0e1b3d5f7a9c2e';
let simulator: RunningSimulator | undefined;
const start = simulatorPerTest();

it('never prints or saves the key', async () => {
  simulator = await start({ state: exampleState(), apiKey: KEY, faults: { 503: 0.1 }, seed: 5, retryAfterSeconds: 0 });
  const example = readFileSync(join(import.meta.dirname, '..', 'examples', 'gatesync.yaml'), 'utf8');
  const cwd = workdir({ 'gatesync.yaml': example, 'key.txt': `${KEY}\n`, 'bad.yaml': 'version: 1\nworkspaces:\n  research:\n    memebers: []\n' });
  const env = { MODELGATES_BASE_URL: simulator.url, MODELGATES_API_KEY: KEY };
  const fileEnv = { MODELGATES_BASE_URL: simulator.url };
  const runs = [
    await runGatesync(['validate'], { cwd, env }),
    await runGatesync(['plan', '--verbose', '--out', 'plan.json'], { cwd, env }),
    await runGatesync(['plan', '--format', 'json'], { cwd, env: fileEnv }).then(() => runGatesync(['plan', '--format', 'json', '--api-key-file', 'key.txt'], { cwd, env: fileEnv })),
    await runGatesync(['plan', '--format', 'markdown', '--verbose'], { cwd, env }),
    await runGatesync(['apply', '--yes', '--verbose', '--allow-destructive'], { cwd, env }),
    await runGatesync(['plan', '-c', 'bad.yaml'], { cwd, env }),
    await runGatesync(['export', '--verbose'], { cwd, env }),
    // The key in an error path: a refused request and an insecure base URL.
    await runGatesync(['plan', '--verbose'], { cwd, env: { ...env, MODELGATES_API_KEY: `${KEY}-wrong` } }),
    await runGatesync(['plan'], { cwd, env: { ...env, MODELGATES_BASE_URL: `http://modelgates.example/${KEY}` } }),
  ];
  const verbose = runs[1]!.stderr;
  expect(verbose).toContain('authorization: Bearer [REDACTED]');
  expect(runs[4]!.code).toBe(0);
  expect(runs[7]!.code).toBe(1);
  for (const run of runs) {
    expect(run.stdout + run.stderr).not.toContain(KEY);
    expect(run.stdout + run.stderr).not.toContain(KEY.slice(6, 30));
  }
  for (const file of readdirSync(cwd).filter((f) => f !== 'key.txt')) {
    expect(readFileSync(join(cwd, file), 'utf8'), file).not.toContain(KEY);
  }
});
