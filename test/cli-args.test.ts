/** Each command takes its own options only; help per command; --version; `gatesync schema`. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS, OPTIONS, optionsOf, parseCliArgs } from '../src/cli/args.js';
import { runGatesync, workdir } from './support/cli.js';

const root = join(import.meta.dirname, '..');

describe('options of other commands', () => {
  it('plan -o is an error naming the command it belongs to, with "did you mean --out", and writes nothing', async () => {
    const cwd = workdir();
    const run = await runGatesync(['plan', '-o', 'plan.json'], { cwd });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'gatesync: plan does not take -o: it belongs to export and schema; did you mean --out?\n  hint: run `gatesync plan --help` for its options\n',
    );
    expect(run.stdout).toBe('');
  });

  it('names every foreign option at once', async () => {
    const run = await runGatesync(['plan', '--port', '1', '--yes']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      [
        'gatesync: plan does not take these options:',
        '  --port: it belongs to simulator',
        '  --yes: it belongs to apply',
        '  hint: run `gatesync plan --help` for its options',
        '',
      ].join('\n'),
    );
  });

  it('export --out suggests --output; an unknown option gets "did you mean"', async () => {
    expect((await runGatesync(['export', '--out', 'x.yaml'])).stderr).toContain('export does not take --out: it belongs to plan; did you mean --output?');
    const typo = await runGatesync(['plan', '--fromat', 'json']);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('plan does not take --fromat: no such option; did you mean --format?');
    expect((await runGatesync(['apply', '--detailed'])).stderr).toMatch(/^gatesync: apply does not take --detailed: no such option\n/);
    expect((await runGatesync(['plan', '--detailed'])).stderr).toContain('--detailed: no such option; did you mean --detailed-exitcode?');
  });

  it('refuses operands a command does not take', async () => {
    const run = await runGatesync(['plan', 'plan.json']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('plan takes no operands; unexpected "plan.json"');
    expect((await runGatesync(['apply', 'a.json', 'b.json', '--yes'])).stderr).toContain('apply takes at most [PLAN.json]; unexpected "b.json"');
  });

  it('never echoes the key, even pasted where an operand or an option value goes', async () => {
    const key = 'sk-mg-v1-0123456789abcdef';
    const env = { MODELGATES_API_KEY: key };
    for (const argv of [['plan', key], ['plan', '--format', 'json', key], ['plan', '--format', key]]) {
      const run = await runGatesync(argv, { env });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('[REDACTED]');
      expect(run.stdout + run.stderr).not.toContain(key);
    }
  });

  it('still accepts each command with its own options', () => {
    expect(parseCliArgs(['plan', '--format', 'json', '--out', 'p.json', '--detailed-exitcode', '--workspace', 'a', '--workspace', 'b'])).toMatchObject({
      command: 'plan',
      format: 'json',
      out: 'p.json',
      detailedExitcode: true,
      workspaces: ['a', 'b'],
    });
    expect(parseCliArgs(['apply', 'plan.json', '-c', 'g.yaml', '--yes', '--verify', '--batch-size', '10'])).toMatchObject({
      command: 'apply',
      positionals: ['plan.json'],
      config: ['g.yaml'],
      configGiven: true,
      yes: true,
      verify: true,
      batchSize: 10,
    });
    expect(parseCliArgs(['simulator', '--port', '0', '--seed', '7'])).toMatchObject({ command: 'simulator', port: 0, seed: 7 });
    expect(parseCliArgs(['export', '-o', 'out.yaml'])).toMatchObject({ command: 'export', output: 'out.yaml' });
  });

  it('gives every command --help, and every option at least one command', () => {
    for (const command of COMMANDS) expect(optionsOf(command)).toContain('help');
    for (const spec of Object.values(OPTIONS)) expect(spec.commands.length).toBeGreaterThan(0);
  });
});

describe('help', () => {
  it('plan --help prints only plan\'s usage and options', async () => {
    const run = await runGatesync(['plan', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: gatesync plan \[options\]\n/);
    expect(run.stdout).toContain('--detailed-exitcode');
    expect(run.stdout).not.toContain('--fault-rate');
    expect(run.stdout).not.toContain('--yes');
    expect(run.stdout).not.toContain('gatesync export');
  });

  it('help COMMAND is the same page; bare --help and help give the overview of commands', async () => {
    expect((await runGatesync(['help', 'apply'])).stdout).toBe((await runGatesync(['apply', '-h'])).stdout);
    const overview = await runGatesync(['--help']);
    expect(overview.code).toBe(0);
    for (const command of COMMANDS) expect(overview.stdout).toMatch(new RegExp(`^  ${command} +\\S`, 'm'));
    expect((await runGatesync(['help'])).stdout).toBe(overview.stdout);
  });

  it('without a command, prints the overview on stderr and exits 1', async () => {
    const run = await runGatesync([]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Usage: gatesync COMMAND [options]');
  });
});

describe('--version', () => {
  it('prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    const run = await runGatesync(['--version']);
    expect(run).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect((await runGatesync(['plan', '--version'])).stdout).toBe(`${version}\n`);
  });
});

describe('gatesync schema', () => {
  const schemaText = readFileSync(join(root, 'schemas', 'gatesync.schema.json'), 'utf8');

  it('writes the configuration JSON Schema to stdout', async () => {
    const run = await runGatesync(['schema']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(schemaText);
    expect(JSON.parse(run.stdout)).toHaveProperty('$schema');
  });

  it('or to the file given with -o', async () => {
    const cwd = workdir();
    const run = await runGatesync(['schema', '-o', 'gatesync.schema.json'], { cwd });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(readFileSync(join(cwd, 'gatesync.schema.json'), 'utf8')).toBe(schemaText);
  });
});
