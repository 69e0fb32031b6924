/** A refused plan is marked refused, and an overridden one overridden, in every output: each resource, count and limit. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../src/cli/render-markdown.js';
import { DEFAULT_SAFETY } from '../src/model/config.js';
import { plan } from '../src/plan/plan.js';
import { checkSafety } from '../src/plan/safety.js';
import { generateOrg, type RunningSimulator } from '../src/simulator/index.js';
import { runGatesync, simulatorEnv, workdir } from './support/cli.js';
import { email, range, simulatorPerTest, uid } from './support/org.js';
import { desiredOf, observedOf } from './support/states.js';

const start = simulatorPerTest();
const REASON = 'workspace ws-001: removes 10 of 20 members (50.0%); the limit is 25% (max_removal_percent) for resources with at least 10 members';

/** A workspace of 20 members, and a file keeping 10 of them: 50 % removed, over the default 25 %. */
async function halfRemoved(): Promise<{ sim: RunningSimulator; cwd: string; env: Record<string, string> }> {
  const sim = await start({
    state: generateOrg({ members: 30, workspaces: 1, guardrailsPerWorkspace: 1, membershipsPerWorkspace: 0, assignedShare: 0, seed: 1 }),
  });
  for (let i = 1; i <= 20; i++) sim.store.addWorkspaceMember('ws-001', uid(i));
  sim.stats.reset();
  const cwd = workdir({ 'gatesync.yaml': `version: 1\nworkspaces:\n  ws-001:\n    members: [${range(11, 20).map(email).join(', ')}]\n`, 'summary.md': '' });
  return { sim, cwd, env: simulatorEnv(sim) };
}

describe('a refused plan (exit 3)', () => {
  it('text ends with the verdict, and stderr names each limit', async () => {
    const { sim, cwd, env } = await halfRemoved();
    for (const command of [['plan'], ['apply', '--yes']]) {
      const run = await runGatesync(command, { cwd, env });
      expect(run.code).toBe(3);
      expect(run.stdout).toMatch(/Plan: 10 to remove, in 1 workspace\.\nRefused as unsafe: the plan passes 1 safety limit; nothing will be applied\.\n$/);
      expect(run.stderr).toContain(`refusing an unsafe plan:\n  - ${REASON}\n`);
    }
    expect(sim.stats.writes).toBe(0);
  });

  it('markdown says so in its title and in an alert naming the resource, count and limit', async () => {
    const { cwd, env } = await halfRemoved();
    const run = await runGatesync(['plan', '--format', 'markdown'], { cwd, env: { ...env, GITHUB_STEP_SUMMARY: join(cwd, 'summary.md') } });
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/^### gatesync plan: refused as unsafe\n/);
    expect(run.stdout).toContain('> [!CAUTION]\n> **Refused as unsafe** (exit 3): the plan passes 1 safety limit, so apply will write nothing.');
    expect(run.stdout).toContain(`> - ${REASON}\n`);
    expect(readFileSync(join(cwd, 'summary.md'), 'utf8')).toContain('### gatesync plan: refused as unsafe');
  });

  it('JSON holds the plan with its verdict: refused, each violation with its numbers', async () => {
    const { cwd, env } = await halfRemoved();
    const run = await runGatesync(['plan', '--format', 'json'], { cwd, env });
    expect(run.code).toBe(3);
    const file = JSON.parse(run.stdout);
    expect(file.summary.remove).toBe(10);
    expect(file.safety_check).toEqual({
      result: 'refused',
      violations: [{ resource: 'workspace ws-001', rule: 'max_removal_percent', count: 10, members: 20, limit: 25, message: REASON.slice('workspace ws-001: '.length) }],
    });
    expect(run.stderr).toContain(`refusing an unsafe plan:\n  - ${REASON}`);
  });
});

describe('--allow-destructive', () => {
  it('plan: marked overridden in JSON and markdown, and named on stderr for the CI log', async () => {
    const { cwd, env } = await halfRemoved();
    const json = await runGatesync(['plan', '--format', 'json', '--allow-destructive'], { cwd, env });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).safety_check).toMatchObject({ result: 'overridden', violations: [{ resource: 'workspace ws-001', count: 10, limit: 25 }] });
    const warning = `gatesync: warning: --allow-destructive overrides 1 safety limit:\n  - ${REASON}\n`;
    expect(json.stderr).toContain(warning);

    const markdown = await runGatesync(['plan', '--format', 'markdown', '--allow-destructive'], { cwd, env });
    expect(markdown.stdout).toMatch(/^### gatesync plan: safety limits overridden\n/);
    expect(markdown.stdout).toContain('> [!WARNING]\n> **Safety limits overridden** by `--allow-destructive`: the plan passes 1 safety limit.');
    expect(markdown.stdout).toContain(`> - ${REASON}\n`);

    const text = await runGatesync(['plan', '--allow-destructive'], { cwd, env });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Plan: 10 to remove, in 1 workspace\.\nSafety limits overridden by --allow-destructive: the plan passes 1 safety limit\.\n$/);
    expect(text.stderr).toBe(warning);
  });

  it('apply: the record comes before the writes, and the writes happen', async () => {
    const { sim, cwd, env } = await halfRemoved();
    const run = await runGatesync(['apply', '--yes', '--allow-destructive'], { cwd, env });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`--allow-destructive overrides 1 safety limit:\n  - ${REASON}`);
    expect(sim.store.isWorkspaceMember('ws-001', uid(1))).toBe(false);
  });

  it('a plan within the limits is neither marked nor warned about', async () => {
    const { cwd, env } = await halfRemoved();
    const cwdWithin = workdir({ 'gatesync.yaml': readFileSync(join(cwd, 'gatesync.yaml'), 'utf8').replace('members: [', `members: [${range(3, 10).map(email).join(', ')}, `) });
    const run = await runGatesync(['plan', '--format', 'markdown', '--allow-destructive'], { cwd: cwdWithin, env });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^### gatesync plan\n/);
    expect(run.stdout).not.toContain('[!');
    expect(run.stderr).toBe('');
  });
});

describe('markdown verdict', () => {
  it('names every violation, the whole plan included', () => {
    const users = Array.from({ length: 20 }, (_, i) => `u${i}`);
    const observed = observedOf({ users, workspaces: { research: { members: users }, platform: { members: users.slice(0, 3) } } });
    const planned = plan(desiredOf(observed, { research: { members: users.slice(10) }, platform: { members: [] } }), observed);
    const check = checkSafety(planned, { ...DEFAULT_SAFETY, maxRemovals: 5 }, false);
    expect(check.violations.map((v) => [v.resource, v.rule, v.count, v.limit])).toEqual([
      ['workspace research', 'max_removal_percent', 10, 25],
      ['workspace platform', 'allow_empty', 3, undefined],
      ['the whole plan', 'max_removals', 13, 5],
    ]);
    const markdown = renderMarkdown(planned, check);
    for (const violation of check.violations) expect(markdown).toContain(`> - ${violation.resource}: ${violation.message}\n`);
    expect(markdown).toContain('the plan passes 3 safety limits');
  });
});
