/**
 * The package as a user gets it: `npm pack`, installed into an empty folder
 * with production dependencies only, then the CLI, the library and the
 * action's step script run from there.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const npm = (args: string[], cwd: string) =>
  spawnSync('npm', [...args, '--no-audit', '--no-fund'], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
/** The machine's own npm configuration may warn about itself; that is not the package's doing. */
const packageWarnings = (stderr: string) => stderr.split('\n').filter((line) => /npm warn/i.test(line) && !/Unknown \w+ config/.test(line));

/** Lists and runs what the README documents: the engine from `gatesync`, the simulator from `gatesync/simulator`. */
const LIBRARY_SCRIPT = `
import { HttpProvider, apply, assertSafe, observe, plan, readConfig, renderText, resolve, scopeOf } from 'gatesync';
import { exampleState, generateOrg, startSimulator } from 'gatesync/simulator';

if (generateOrg({ members: 3, workspaces: 1, guardrailsPerWorkspace: 1, seed: 1 }).members.length !== 3) throw new Error('generateOrg');
const simulator = await startSimulator({ port: 0, state: exampleState() });
const { config, errors } = await readConfig(process.argv[2]);
if (!config) throw new Error(errors.map((e) => e.message).join('; '));
const provider = new HttpProvider({ baseUrl: simulator.url, apiKey: simulator.apiKey });
const observed = await observe(provider, scopeOf(config));
const { desired } = resolve(config, observed);
const planned = plan(desired, observed);
assertSafe(planned, config.safety);
const result = await apply(planned, provider, { concurrency: 4, batchSize: 100 });
await provider.close();
await simulator.close();
console.log(renderText(planned).trim().split('\\n').at(-1));
console.log(JSON.stringify({ ok: result.ok, applied: result.applied }));
`;

/** Every name the installed README's "Library use" imports is exported where it says. */
const README_IMPORTS_SCRIPT = `
import { readFileSync } from 'node:fs';
const readme = readFileSync('node_modules/gatesync/README.md', 'utf8');
const section = readme.slice(readme.indexOf('## Library use'), readme.indexOf('## Workflows'));
let checked = 0;
for (const [, names, from] of section.matchAll(/import \\{([^}]+)\\} from '(gatesync[^']*)'/g)) {
  const module = await import(from);
  for (const name of names.split(',').map((n) => n.trim())) {
    if (module[name] === undefined) throw new Error(from + ' does not export ' + name);
    checked++;
  }
}
console.log('checked ' + checked + ' names');
`;

const TYPED_SCRIPT = `
import { plan, type Plan } from 'gatesync';
import { startSimulator, type RunningSimulator } from 'gatesync/simulator';
export const make: typeof plan = plan;
export type Both = [Plan, RunningSimulator, typeof startSimulator];
`;

describe('npm pack', () => {
  it('installs from the tarball with production dependencies only; the CLI, library and action script run', () => {
    const packDir = mkdtempSync(join(tmpdir(), 'gatesync-pack-'));
    const packed = npm(['pack', '--ignore-scripts', '--json', '--pack-destination', packDir], root);
    expect(packed.status, packed.stderr).toBe(0);
    const [{ filename, files }] = JSON.parse(packed.stdout) as [{ filename: string; files: Array<{ path: string }> }];
    const paths = files.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'action.yml', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/action/main.js', 'examples/gatesync.yaml']));
    expect(paths.filter((p) => /\.map$|^dist\/(bench|test)\/|^(src|test|bench)\//.test(p))).toEqual([]);

    const app = mkdtempSync(join(tmpdir(), 'gatesync-install-'));
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'membership', private: true, type: 'module' }));
    const installed = npm(['install', '--omit=dev', join(packDir, filename)], app);
    expect(installed.status, installed.stderr).toBe(0);
    expect(packageWarnings(installed.stderr)).toEqual([]);
    expect(readdirSync(join(app, 'node_modules')).sort()).not.toContain('typescript');

    const bin = join(app, 'node_modules', '.bin', 'gatesync');
    const env = { ...process.env, NO_COLOR: '1', MODELGATES_API_KEY: '', MODELGATES_BASE_URL: '' };
    const version = spawnSync(bin, ['--version'], { cwd: app, env, encoding: 'utf8' });
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
    const demo = spawnSync(bin, ['demo'], { cwd: app, env, encoding: 'utf8', timeout: 60_000 });
    expect(demo.stderr).toBe('');
    expect(demo.status).toBe(0);
    expect(demo.stdout.trimEnd().endsWith('No changes. The organization matches the file.')).toBe(true);

    writeFileSync(join(app, 'script.mjs'), LIBRARY_SCRIPT);
    const script = spawnSync(process.execPath, ['script.mjs', 'node_modules/gatesync/examples/gatesync.yaml'], { cwd: app, env, encoding: 'utf8', timeout: 60_000 });
    expect(script.stderr).toBe('');
    expect(script.stdout).toMatch(/^Plan: .* in 4 workspaces\.\n\{"ok":true,"applied":\d+\}\n$/);

    writeFileSync(join(app, 'readme-imports.mjs'), README_IMPORTS_SCRIPT);
    const readmeImports = spawnSync(process.execPath, ['readme-imports.mjs'], { cwd: app, env, encoding: 'utf8' });
    expect(readmeImports.stderr).toBe('');
    expect(readmeImports.stdout).toBe('checked 12 names\n');

    writeFileSync(join(app, 'typed.ts'), TYPED_SCRIPT);
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const typecheck = spawnSync(process.execPath, [tsc, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--skipLibCheck', 'typed.ts'], {
      cwd: app,
      encoding: 'utf8',
    });
    expect(typecheck.stdout).toBe('');
    expect(typecheck.status).toBe(0);

    const step = spawnSync(process.execPath, ['node_modules/gatesync/dist/src/action/main.js'], {
      cwd: app,
      env: { ...env, INPUT_COMMAND: 'validate', INPUT_CONFIG: 'node_modules/gatesync/examples/gatesync.yaml', RUNNER_TEMP: app },
      encoding: 'utf8',
    });
    expect(step.status, step.stderr).toBe(0);
    expect(step.stderr).toContain('is valid');
    execFileSync('rm', ['-rf', packDir, app]);
  }, 180_000);
});
