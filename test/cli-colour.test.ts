/** Colour: only on a terminal that is not dumb, never with NO_COLOR, and FORCE_COLOR honoured either way. */
import { describe, expect, it } from 'vitest';
import { paintFor, type Io } from '../src/cli/io.js';
import { exampleState } from '../src/simulator/index.js';
import { simulatorPerTest } from './support/org.js';
import { runGatesync, simulatorEnv, workdir } from './support/cli.js';

const start = simulatorPerTest();
const RED = '\u001b[31m';
const painted = (tty: boolean, env: Record<string, string>) =>
  paintFor({ stdoutIsTTY: tty, stderrIsTTY: tty, env } as unknown as Io, 'stdout')('green', 'x') !== 'x';

describe('colour', () => {
  it('colours a terminal, but not a dumb one, nor with NO_COLOR', () => {
    expect(painted(true, {})).toBe(true);
    expect(painted(true, { TERM: 'xterm-256color' })).toBe(true);
    expect(painted(true, { TERM: 'dumb' })).toBe(false);
    expect(painted(true, { NO_COLOR: '1' })).toBe(false);
    expect(painted(false, {})).toBe(false);
  });

  it('FORCE_COLOR decides when set, off a terminal and over NO_COLOR and TERM=dumb', () => {
    for (const value of ['', '1', '2', '3', 'true']) expect(painted(false, { FORCE_COLOR: value }), value).toBe(true);
    expect(painted(false, { FORCE_COLOR: '1', NO_COLOR: '1', TERM: 'dumb' })).toBe(true);
    for (const value of ['0', 'false']) expect(painted(true, { FORCE_COLOR: value }), value).toBe(false);
  });

  it('plan output piped to a file is coloured with FORCE_COLOR=1 only', async () => {
    const simulator = await start({ state: exampleState() });
    const cwd = workdir({ 'gatesync.yaml': 'version: 1\nworkspaces:\n  research:\n    guardrails:\n      Daily cap: [bob@corp.example]\n' });
    const env = simulatorEnv(simulator);
    const plain = await runGatesync(['plan'], { cwd, env });
    expect(plain.code).toBe(0);
    expect(plain.stdout).not.toContain('\u001b[');
    const forced = await runGatesync(['plan'], { cwd, env: { ...env, FORCE_COLOR: '1' } });
    expect(forced.stdout).toContain(`${RED}    - carol@corp.example`);
    expect(forced.stdout.replace(/\u001b\[\d+m/g, '')).toBe(plain.stdout);
  });
});
