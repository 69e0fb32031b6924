/**
 * The hostile-input corpus through the real CLI against the simulator: every
 * file ends in exit 1 with a located message, quickly, and with no write call.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuMs } from './support/cpu.js';
import { exampleState, startSimulator, type RunningSimulator } from '../src/simulator/index.js';
import { runGatesync, simulatorEnv, workdir } from './support/cli.js';

const dir = join(import.meta.dirname, 'fixtures', 'bad');
const fixtures = readdirSync(dir).filter((f) => f !== 'expectations.json').sort();
const expectations = JSON.parse(readFileSync(join(dir, 'expectations.json'), 'utf8')) as Record<string, { expect: string }>;

function expected(file: string): string {
  const side = expectations[file];
  if (side) return side.expect;
  const head = readFileSync(join(dir, file), 'utf8').split(/\r?\n/, 1)[0]!.replace(/^\uFEFF/, '');
  const match = /^# expect(?:-online)?: (.*)$/.exec(head);
  if (!match) throw new Error(`${file} has no expectation`);
  return match[1]!.trim();
}

let simulator: RunningSimulator;
beforeAll(async () => {
  simulator = await startSimulator({ port: 0, state: exampleState() });
});
afterAll(() => simulator.close());

describe('hostile input corpus, through `gatesync plan`', () => {
  it('has at least 25 files', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(25);
  });

  it.each(fixtures)('%s', async (file) => {
    simulator.stats.reset();
    const { result: run, cpuMs: elapsed } = await cpuMs(() => runGatesync(['plan', '-c', join(dir, file)], { env: simulatorEnv(simulator) }));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^${join(dir, file).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: error: `, 'm'));
    expect(run.stderr).toContain(expected(file));
    expect(run.stderr).not.toMatch(/\n\s+at .*\.(ts|js):\d+/);
    expect(run.stdout).toBe('');
    expect(simulator.stats.writes).toBe(0);
    expect(elapsed).toBeLessThan(2_000);
  });

  it.each([
    ['50 MB file', () => Buffer.concat([Buffer.from('version: 1\n# '), Buffer.alloc(50 * 1024 * 1024, 'x')])],
    ['1,000,001 entries', () => `version: 1\nworkspaces:\n  research:\n    members:\n${'      - someone@corp.example\n'.repeat(1_000_001)}`],
    ['depth 10,000', () => `version: 1\nworkspaces: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`],
    ['alias bomb', () => `version: 1\na: &a [x, x, x, x, x, x, x, x, x, x]\n${Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`).join('\n')}\n`],
  ])('generated: %s', async (_name, content) => {
    const cwd = workdir();
    writeFileSync(join(cwd, 'gatesync.yaml'), content());
    simulator.stats.reset();
    const memoryBefore = process.memoryUsage().rss;
    const { result: run, cpuMs: spent } = await cpuMs(() => runGatesync(['plan'], { cwd, env: simulatorEnv(simulator) }));
    expect(spent).toBeLessThan(2_000);
    expect(process.memoryUsage().rss - memoryBefore).toBeLessThan(512 * 1024 * 1024);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/gatesync\.yaml:\d+:\d+: error: /);
    // The organization's members may be read while the file is parsed; nothing is written.
    expect(simulator.stats.writes).toBe(0);
  });
});
