/** Ctrl-C during apply: the built CLI in a child process against a slow simulator. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { generateOrg } from '../src/simulator/index.js';
import { email, range, simulatorPerTest, uid } from './support/org.js';
import { workdir } from './support/cli.js';

const bin = join(import.meta.dirname, '..', 'dist', 'src', 'cli', 'main.js');
const start = simulatorPerTest();

describe('apply interrupted', () => {
  it('starts no new batch after SIGINT, finishes the one in flight, prints the summary and exits 130', async () => {
    const state = generateOrg({ members: 20, workspaces: 1, guardrailsPerWorkspace: 2, membershipsPerWorkspace: 0, assignedShare: 0, seed: 1 });
    const sim = await start({ state, latencyMs: 300 });
    for (const i of range(1, 12)) sim.store.addWorkspaceMember('ws-001', uid(i));
    const cwd = workdir({ 'gatesync.yaml': `version: 1\nworkspaces:\n  ws-001:\n    guardrails:\n      Guardrail 1: [${range(1, 12).map(email).join(', ')}]\n` });
    const child = spawn(process.execPath, [bin, 'apply', '--yes', '--batch-size', '1', '--concurrency', '1'], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', MODELGATES_BASE_URL: sim.url, MODELGATES_API_KEY: sim.apiKey },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

    // Waits on the simulator's log, not on time: signal once a write is in flight.
    while (child.exitCode === null && !sim.stats.log.some((write) => write.status === 0)) await delay(5);
    const startedBeforeSignal = sim.stats.writes;
    child.kill('SIGINT');
    const code = await exited;

    expect(stderr).toContain('SIGINT: no new batch starts');
    expect(code).toBe(130);
    const accepted = sim.stats.log.filter((write) => write.status === 200).length;
    expect(sim.stats.writes).toBe(accepted);
    // At most one more batch, started while the signal was on its way.
    expect(sim.stats.writes).toBeLessThanOrEqual(startedBeforeSignal + 1);
    expect(accepted).toBeGreaterThanOrEqual(1);
    expect(accepted).toBeLessThan(12);
    expect(stdout).toContain('Apply interrupted:');
    expect(stdout).toContain(`interrupted: ${12 - accepted} batch(es) not started, ${12 - accepted} change(s) not applied`);
    expect(stdout).toMatch(new RegExp(`Apply incomplete: ${accepted} changes? applied in ${accepted} calls?;`));
    expect(sim.store.snapshot().assignments[sim.store.guardrailByName('ws-001', 'Guardrail 1').id]).toHaveLength(accepted);
  }, 30_000);
});
