/**
 * The benchmark compares like with like: the sequential baseline and
 * gatesync, given the same desired state, leave the organization in the same
 * state, and the baseline makes one write per change. Also checks the
 * latency lower bound the benchmark measures plan and apply against.
 */
import { describe, expect, it } from 'vitest';
import { latencyLowerBound, stagedTime } from '../bench/measure.js';
import { churnedDesired, desiredYaml, orgState } from '../bench/scenario.js';
import { runSequentialBaseline } from '../bench/sequential-baseline.js';
import { runGatesync, simulatorEnv, workdir } from './support/cli.js';
import { simulatorPerTest } from './support/org.js';

const start = simulatorPerTest();

const SMALL = { memberships: 300, members: 120, workspaces: 4, guardrailsPerWorkspace: 3 };

describe('the sequential baseline', () => {
  it('reaches the state gatesync reaches, with one write call per change', async () => {
    const desired = churnedDesired(orgState(SMALL));
    const [forGatesync, forBaseline] = await Promise.all([start({ state: orgState(SMALL) }), start({ state: orgState(SMALL) })]);

    const cwd = workdir({ 'gatesync.yaml': desiredYaml(desired) });
    const planned = await runGatesync(['plan', '--format', 'json'], { cwd, env: simulatorEnv(forGatesync) });
    expect(planned.code, planned.stderr).toBe(0);
    const changes = (JSON.parse(planned.stdout) as { summary: { total: number } }).summary.total;
    const applied = await runGatesync(['apply', '--yes'], { cwd, env: simulatorEnv(forGatesync) });
    expect(applied.code, applied.stderr).toBe(0);

    const baseline = await runSequentialBaseline(forBaseline.url, forBaseline.apiKey, desired);
    expect(forBaseline.store.snapshot()).toEqual(forGatesync.store.snapshot());
    expect(forBaseline.stats.violations).toEqual([]);
    expect(changes).toBeGreaterThan(0);
    expect(baseline.writeRequests).toBe(forBaseline.stats.writes);
    expect(baseline.writeRequests).toBe(changes);
  });
});

describe('latencyLowerBound', () => {
  it('is the number of waves when nothing depends on anything', () => {
    expect(latencyLowerBound([1, 1, 1, 1, 1, 1, 1, 1, 1], 8, 25)).toBe(50);
  });

  it('counts the round trips a deep request must wait for', () => {
    expect(latencyLowerBound([1, 2, 3, 4], 8, 25)).toBe(100);
    expect(latencyLowerBound([1, ...Array<number>(16).fill(2)], 8, 10)).toBe(30);
  });

  it('never exceeds running the same requests stage by stage', () => {
    const depths = [...Array<number>(13).fill(1), ...Array<number>(24).fill(2), ...Array<number>(6).fill(3)];
    expect(latencyLowerBound(depths, 8, 25)).toBe(150);
    expect(stagedTime(depths, 8, 25)).toBe(150);
    expect(latencyLowerBound(depths, 8, 25)).toBeLessThanOrEqual(stagedTime(depths, 8, 25));
  });
});
