/** The built binary as a user runs it (`npm run build`, `npm test` and `npm run demo` build it first). */
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const bin = join(root, 'dist', 'src', 'cli', 'main.js');
const env = { ...process.env, NO_COLOR: '1', MODELGATES_API_KEY: '', MODELGATES_BASE_URL: '' };

describe('gatesync binary', () => {
  it('demo: plans, applies, and plans again to no changes', () => {
    const run = spawnSync(process.execPath, [bin, 'demo'], { cwd: root, env, encoding: 'utf8', timeout: 30_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/Plan: \d+ to add, \d+ to remove, \d+ to assign, \d+ to unassign, \d+ to move, in 4 workspaces\./);
    expect(run.stdout).toContain('Apply complete');
    expect(run.stdout.trimEnd().endsWith('No changes. The organization matches the file.')).toBe(true);
  });

  it('simulator: prints its URL when ready and serves the API', async () => {
    const child = spawn(process.execPath, [bin, 'simulator', '--port', '0', '--api-key', 'test-key'], { cwd: root, env });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`simulator exited ${code}`)));
      });
      const url = /http:\/\/127\.0\.0\.1:\d+\/api\/v1/.exec(line)?.[0];
      expect(url).toBeDefined();
      const members = await fetch(`${url}/organization/members?limit=5`, { headers: { authorization: 'Bearer test-key' } });
      expect(members.status).toBe(200);
      expect(((await members.json()) as { data: unknown[] }).data).toHaveLength(5);
      expect((await fetch(`${url}/workspaces`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('validate: checks the example offline, with no key', () => {
    const run = spawnSync(process.execPath, [bin, 'validate', '-c', 'examples/gatesync.yaml'], { cwd: root, env, encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('is valid');
  });

  it('usage errors print the usage, not a stack trace', () => {
    const run = spawnSync(process.execPath, [bin, 'plna'], { cwd: root, env, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('unknown command "plna"; did you mean plan?');
    expect(run.stderr).toContain('Usage:');
    const noKey = spawnSync(process.execPath, [bin, 'plan', '-c', 'examples/gatesync.yaml'], { cwd: root, env, encoding: 'utf8' });
    expect(noKey.status).toBe(1);
    expect(noKey.stderr).toContain('no management key');
  });
});

describe('help', () => {
  it('--help prints the usage on stdout and exits 0; an environment problem does not dump the usage', () => {
    const help = spawnSync(process.execPath, [bin, 'plan', '--help'], { cwd: root, env, encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage:');
    const noKey = spawnSync(process.execPath, [bin, 'plan', '-c', 'examples/gatesync.yaml'], { cwd: root, env, encoding: 'utf8' });
    expect(noKey.stderr).not.toContain('Usage:');
  });
});
