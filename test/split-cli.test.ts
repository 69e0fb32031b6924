/**
 * A configuration split across files, through the CLI and the action over
 * real HTTP: plans name each workspace's file, saved plans go stale when any
 * file is added, removed or edited, and `export --split` round-trips.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAction } from '../src/action/run-action.js';
import { exampleState } from '../src/simulator/index.js';
import { runGatesync, simulatorEnv, workdir } from './support/cli.js';
import { simulatorPerTest } from './support/org.js';

const start = simulatorPerTest();
const root = join(import.meta.dirname, '..');

/** A copy of examples/split in a fresh folder, to run from and edit. */
function splitExample(): string {
  const dir = workdir();
  cpSync(join(root, 'examples', 'split'), dir, { recursive: true });
  return dir;
}

interface PlanJson {
  summary: Record<string, number>;
  changes: Array<Record<string, unknown>>;
  config: { file: string; sha256: string; paths: string[]; files: Array<{ path: string; sha256: string }> };
  declared_in: Record<string, string>;
}

describe('plan -c FOLDER', () => {
  it('plans examples/split like examples/gatesync.yaml, and names the file declaring each workspace in text, JSON and markdown', async () => {
    const single = await start({ state: exampleState() });
    const whole = await runGatesync(['plan', '-c', join(root, 'examples', 'gatesync.yaml'), '--format', 'json'], { env: simulatorEnv(single) });
    const cwd = splitExample();
    const simulator = await start({ state: exampleState() });
    const env = simulatorEnv(simulator);
    const json = await runGatesync(['plan', '-c', 'config/', '--format', 'json'], { env, cwd });
    expect(json.code).toBe(0);
    const split = JSON.parse(json.stdout) as PlanJson;
    const withoutVia = (plan: PlanJson) => plan.changes.map(({ via: _via, ...change }) => change);
    expect(withoutVia(split)).toEqual(withoutVia(JSON.parse(whole.stdout) as PlanJson));
    expect(split.changes.filter((change) => change.via === 'new-joiners').length).toBeGreaterThan(0);
    expect(split.declared_in).toEqual({
      default: 'config/default.yaml',
      platform: 'config/platform.yaml',
      research: 'config/research.yaml',
      sandbox: 'config/sandbox.yaml',
    });
    expect(split.config.paths).toEqual(['config/']);
    expect(split.config.files.map((file) => file.path)).toEqual(['config/default.yaml', 'config/groups.yaml', 'config/platform.yaml', 'config/research.yaml', 'config/sandbox.yaml']);

    const text = await runGatesync(['plan', '-c', 'config/'], { env, cwd });
    expect(text.stdout).toContain('workspace research  (config/research.yaml)\n');
    expect(text.stdout).toContain('workspace platform  (config/platform.yaml)\n');

    const markdown = (await runGatesync(['plan', '-c', 'config/', '--format', 'markdown'], { env, cwd })).stdout;
    expect(markdown).toContain('| file | workspace | add |');
    expect(markdown).toContain('| `config/research.yaml` | `research` |');
    const headings = markdown.split('\n').filter((line) => line.startsWith('### `') || line.startsWith('#### '));
    expect(headings).toEqual([
      '### `config/default.yaml`',
      '#### workspace `default`',
      '### `config/platform.yaml`',
      '#### workspace `platform`',
      '### `config/research.yaml`',
      '#### workspace `research`',
      '### `config/sandbox.yaml`',
      '#### workspace `sandbox`',
    ]);
  });

  it('a single file plans as before: no file names in the text plan', async () => {
    const simulator = await start({ state: exampleState() });
    const run = await runGatesync(['plan', '-c', join(root, 'examples', 'gatesync.yaml')], { env: simulatorEnv(simulator) });
    expect(run.stdout).toContain('workspace research\n');
  });

  it('a conflict is a config error naming both places, and nothing is read from the organization', async () => {
    const cwd = splitExample();
    writeFileSync(join(cwd, 'config', 'zz-research.yaml'), 'version: 1\nworkspaces:\n  research:\n    members: [alice@corp.example]\n');
    const simulator = await start({ state: exampleState() });
    const run = await runGatesync(['plan', '-c', 'config', '--format', 'json'], { env: simulatorEnv(simulator), cwd });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('config/zz-research.yaml:3:3: error: workspace `research` is also declared at config/research.yaml:8:3');
    expect(run.stderr).toContain('  config/research.yaml:8:3: note: workspace `research` first declared here');
    const [diagnostic] = (JSON.parse(run.stdout) as { error: { diagnostics: unknown[] } }).error.diagnostics;
    expect(diagnostic).toMatchObject({ file: 'config/zz-research.yaml', line: 3, related: { file: 'config/research.yaml', line: 8, col: 3 } });
    expect(simulator.stats.writes).toBe(0);
  });

  it('an empty folder is a plain error', async () => {
    const cwd = workdir();
    mkdirSync(join(cwd, 'config'));
    const run = await runGatesync(['validate', '-c', 'config'], { cwd });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('-c config: the folder holds no .yaml or .yml file');
  });
});

describe('a saved plan covers every file', () => {
  async function planned() {
    const cwd = splitExample();
    const simulator = await start({ state: exampleState() });
    const env = simulatorEnv(simulator);
    const run = await runGatesync(['plan', '-c', 'config/', '--out', 'plan.json'], { env, cwd });
    expect(run.code).toBe(0);
    const apply = () => runGatesync(['apply', 'plan.json', '--yes'], { env, cwd });
    return { cwd, apply };
  }

  it('applies while no file changed, reading the same -c again', async () => {
    const { apply } = await planned();
    const run = await apply();
    expect(run.stderr).not.toContain('run plan again');
    expect(run.stdout).toContain('workspace research  (config/research.yaml)');
  });

  it('a plan saved before files were recorded (config: file and sha256 only) still applies while its one file is unchanged', async () => {
    const simulator = await start({ state: exampleState() });
    const env = simulatorEnv(simulator);
    const cwd = workdir({ 'gatesync.yaml': readFileSync(join(root, 'examples', 'gatesync.yaml'), 'utf8') });
    expect((await runGatesync(['plan', '--out', 'plan.json'], { env, cwd })).code).toBe(0);
    const saved = JSON.parse(readFileSync(join(cwd, 'plan.json'), 'utf8')) as PlanJson & { declared_in?: unknown };
    const { declared_in: _declaredIn, ...older } = { ...saved, config: { file: saved.config.file, sha256: saved.config.sha256 } };
    writeFileSync(join(cwd, 'plan.json'), JSON.stringify(older));
    const run = await runGatesync(['apply', 'plan.json', '--yes'], { env, cwd });
    expect(run.stderr).not.toContain('run plan again');
    expect(run.stdout).toContain('workspace research\n');
    writeFileSync(join(cwd, 'gatesync.yaml'), readFileSync(join(cwd, 'gatesync.yaml'), 'utf8') + '# edited\n');
    expect((await runGatesync(['apply', 'plan.json', '--yes'], { env, cwd })).stderr).toContain('gatesync.yaml changed since this plan was made');
  });

  it('is stale when a file is added', async () => {
    const { cwd, apply } = await planned();
    writeFileSync(join(cwd, 'config', 'extra.yaml'), 'version: 1\ngroups:\n  spare: [alice@corp.example]\n');
    const run = await apply();
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('config/extra.yaml was added since this plan was made; run plan again');
  });

  it('is stale when a file is removed', async () => {
    const { cwd, apply } = await planned();
    rmSync(join(cwd, 'config', 'sandbox.yaml'));
    const run = await apply();
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('config/sandbox.yaml was removed since this plan was made');
  });

  it('is stale when a file is edited, even in a comment', async () => {
    const { cwd, apply } = await planned();
    const path = join(cwd, 'config', 'groups.yaml');
    writeFileSync(path, readFileSync(path, 'utf8') + '# reviewed\n');
    const run = await apply();
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('config/groups.yaml changed since this plan was made');
  });
});

describe('export --split', () => {
  it('writes one file per workspace that plans to no changes, and refuses to overwrite', async () => {
    const simulator = await start({ state: exampleState() });
    const env = simulatorEnv(simulator);
    const cwd = workdir();
    const exported = await runGatesync(['export', '--split', 'config'], { env, cwd });
    expect(exported.code).toBe(0);
    const names = readdirSync(join(cwd, 'config')).sort();
    expect(names).toEqual(['analytics.yaml', 'default.yaml', 'platform.yaml', 'research.yaml', 'sandbox.yaml']);
    const research = readFileSync(join(cwd, 'config', 'research.yaml'), 'utf8');
    expect(research).toMatch(/^# yaml-language-server: \$schema=\.\/gatesync\.schema\.json\n/);
    expect(research).toContain('\nworkspaces:\n  research:');
    expect(research).not.toContain('platform:');

    const plan = await runGatesync(['plan', '-c', 'config'], { env, cwd });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('No changes. The organization matches the file.');

    writeFileSync(join(cwd, 'config', 'research.yaml'), '# edited by the research team\n' + research);
    const again = await runGatesync(['export', '--split', 'config'], { env, cwd });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('--split config: analytics.yaml, default.yaml, platform.yaml, research.yaml, sandbox.yaml already exist; nothing was written');
    expect(readFileSync(join(cwd, 'config', 'research.yaml'), 'utf8')).toMatch(/^# edited by the research team\n/);
  });

  it('takes --split or -o, not both', async () => {
    const run = await runGatesync(['export', '--split', 'config', '-o', 'g.yaml'], { env: { MODELGATES_API_KEY: 'sk-test-0123456789' } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('export takes --split DIR or -o FILE, not both');
  });
});

describe('the action', () => {
  it('passes a folder as its config input through to plan', async () => {
    const cwd = splitExample();
    const simulator = await start({ state: exampleState() });
    writeFileSync(join(cwd, 'outputs.txt'), '');
    let log = '';
    const code = await runAction(
      {
        INPUT_COMMAND: 'plan',
        INPUT_CONFIG: 'config/',
        INPUT_COMMENT: 'false',
        RUNNER_TEMP: cwd,
        GITHUB_OUTPUT: join(cwd, 'outputs.txt'),
        ...simulatorEnv(simulator),
      },
      cwd,
      (text) => void (log += text),
    );
    expect(code).toBe(0);
    expect(readFileSync(join(cwd, 'outputs.txt'), 'utf8')).toContain('outcome=changes');
    expect(log).toContain('### `config/research.yaml`');
    const saved = JSON.parse(readFileSync(join(cwd, 'gatesync', 'plan.json'), 'utf8')) as PlanJson;
    expect(saved.config.paths).toEqual(['config/']);
  });
});
