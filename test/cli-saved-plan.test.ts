/** A saved plan is untrusted input: schema, limits from the configuration, summary and fields checked, `--workspace` rule. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderJson, toPlanFile } from '../src/cli/plan-file.js';
import { parsePlanFile } from '../src/cli/read-plan-file.js';
import { DEFAULT_SAFETY } from '../src/model/config.js';
import { plan } from '../src/plan/plan.js';
import { checkSafety } from '../src/plan/safety.js';
import { generateOrg, type RunningSimulator } from '../src/simulator/index.js';
import { runGatesync, simulatorEnv, workdir } from './support/cli.js';
import { email, range, simulatorPerTest, uid } from './support/org.js';
import { desiredOf, observedOf } from './support/states.js';

const start = simulatorPerTest();

/** Two workspaces of 20 members each (1–20). */
async function org(): Promise<RunningSimulator> {
  const simulator = await start({
    state: generateOrg({ members: 40, workspaces: 2, guardrailsPerWorkspace: 1, membershipsPerWorkspace: 0, assignedShare: 0, seed: 1 }),
  });
  for (const workspace of ['ws-001', 'ws-002']) for (let i = 1; i <= 20; i++) simulator.store.addWorkspaceMember(workspace, uid(i));
  simulator.stats.reset();
  return simulator;
}

const config = (ws1: number[], ws2: number[]) =>
  `version: 1\nworkspaces:\n  ws-001:\n    members: [${ws1.map(email).join(', ')}]\n  ws-002:\n    members: [${ws2.map(email).join(', ')}]\n`;

/** The organization, a file managing it, and that file's plan saved as plan.json (`plan` exiting `code`). */
async function savedPlan(ws1: number[], ws2: number[], planArgs: string[] = [], code = 0) {
  const sim = await org();
  const cwd = workdir({ 'gatesync.yaml': config(ws1, ws2) });
  const env = simulatorEnv(sim);
  expect((await runGatesync(['plan', ...planArgs, '--out', 'plan.json'], { cwd, env })).code).toBe(code);
  sim.stats.reset();
  return { sim, cwd, env };
}

type Json = Record<string, any>;
const readPlan = (cwd: string): Json => JSON.parse(readFileSync(join(cwd, 'plan.json'), 'utf8'));
const writePlan = (cwd: string, file: Json) => writeFileSync(join(cwd, 'plan.json'), JSON.stringify(file, null, 2));

describe('apply PLAN.json --workspace', () => {
  it('refuses a workspace other than the plan covers, before reading anything, and says how to apply it alone', async () => {
    const { sim, cwd, env } = await savedPlan(range(1, 22), range(1, 22));

    const run = await runGatesync(['apply', 'plan.json', '--workspace', 'ws-002', '--yes'], { cwd, env });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'apply plan.json --workspace ws-002: a saved plan is applied whole, and plan.json covers every workspace of gatesync.yaml',
    );
    expect(run.stderr).toContain('run `gatesync plan --workspace ws-002 --out plan.json` and apply that plan');
    expect(sim.stats.requests).toBe(0);
    expect(sim.store.isWorkspaceMember('ws-001', uid(21))).toBe(false);
  });

  it('applies a plan made for that workspace, and nothing of the others', async () => {
    const { sim, cwd, env } = await savedPlan(range(1, 22), range(1, 22), ['--workspace', 'ws-002']);
    const run = await runGatesync(['apply', 'plan.json', '--workspace', 'ws-002', '--yes'], { cwd, env });
    expect(run.code).toBe(0);
    expect(sim.store.isWorkspaceMember('ws-002', uid(22))).toBe(true);
    expect(sim.store.isWorkspaceMember('ws-001', uid(21))).toBe(false);
    const other = await runGatesync(['apply', 'plan.json', '--workspace', 'ws-001', '--yes'], { cwd, env });
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('plan.json covers workspace ws-002');
  });
});

describe('a hand-edited plan', () => {
  it('with raised limits: apply takes the limits from the configuration and writes nothing', async () => {
    const { sim, cwd, env } = await savedPlan(range(11, 20), range(1, 20), [], 3);

    const unedited = await runGatesync(['apply', 'plan.json', '--yes'], { cwd, env });
    expect(unedited.code).toBe(3);
    expect(unedited.stderr).toContain('workspace ws-001: removes 10 of 20 members (50.0%); the limit is 25%');

    const file = readPlan(cwd);
    file.safety.maxRemovalPercent = 100;
    for (const resource of file.resources) resource.safety.maxRemovalPercent = 100;
    writePlan(cwd, file);
    const edited = await runGatesync(['apply', 'plan.json', '--yes'], { cwd, env });
    expect(edited.code).toBe(1);
    expect(edited.stderr).toContain(
      'plan.json at /safety/maxRemovalPercent: the file says 100, but planning gatesync.yaml now gives 25; the plan file was edited after it was made',
    );
    expect(sim.stats.writes).toBe(0);
    expect(sim.store.isWorkspaceMember('ws-001', uid(1))).toBe(true);
  });

  it('with the summary set to zero: refused, not "No changes"', async () => {
    const { sim, cwd, env } = await savedPlan(range(1, 22), range(1, 20));
    const file = readPlan(cwd);
    file.summary = { add: 0, remove: 0, assign: 0, unassign: 0, move: 0, assignKeys: 0, unassignKeys: 0, moveKeys: 0, workspaces: 0, total: 0 };
    writePlan(cwd, file);

    const run = await runGatesync(['apply', 'plan.json', '--yes'], { cwd, env });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('plan.json at /summary/add: the file says 0, but planning gatesync.yaml now gives 2');
    expect(run.stdout).not.toContain('No changes');
    expect(sim.stats.writes).toBe(0);
  });

  it('that is not a plan is refused offline, naming the file and each JSON path', async () => {
    const { sim, cwd, env } = await savedPlan(range(1, 21), range(1, 20));
    const file = readPlan(cwd);
    file.changes[0].kind = 'delete-everyone';
    file.summary.total = '1';
    delete file.resources[0].fingerprint;
    file.note = 'approved';
    writePlan(cwd, file);
    sim.stats.reset();

    const run = await runGatesync(['apply', 'plan.json', '--yes'], { cwd, env });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      [
        'gatesync: plan.json is not a valid gatesync plan:',
        '  at /: unknown field "note"',
        '  at /summary/total: expected integer, got "1"',
        '  at /changes/0/kind: expected one of "add-member", "assign", "move", "unassign", "remove-member", "assign-key", "move-key", "unassign-key", got "delete-everyone"',
        '  at /resources/0: missing field "fingerprint"',
        'Make the plan again with `gatesync plan --out plan.json`; a saved plan is not to be edited.',
        '',
      ].join('\n'),
    );
    expect(sim.stats.requests).toBe(0);
  });
});

describe('the plan schema', () => {
  it('accepts every plan gatesync writes: each change kind, kept members, a verdict', () => {
    const observed = observedOf({
      users: ['u1', 'u2', 'u3', 'u4'],
      workspaces: { research: { members: ['u1', 'u2'], guardrails: { A: ['u1'], B: ['u2'] } }, platform: { members: ['u4'] } },
    });
    const planned = plan(
      desiredOf(observed, {
        research: { members: ['u1', 'u3'], guardrails: { A: [], B: ['u1', 'u3'] }, via: { u3: 'interns' } },
        platform: { members: [], protected: ['u4'], safety: { maxRemovals: 0 } },
      }),
      observed,
    );
    expect(new Set(planned.changes.map((c) => c.kind))).toEqual(new Set(['add-member', 'remove-member', 'assign', 'move', 'unassign']));
    const check = checkSafety(planned, { ...DEFAULT_SAFETY, maxRemovals: 1 }, true);
    expect(check.result).toBe('overridden');
    const text = renderJson(toPlanFile(
        planned,
        { file: 'gatesync.yaml', hash: 'a'.repeat(64), files: [{ path: 'gatesync.yaml', sha256: 'a'.repeat(64) }], paths: ['gatesync.yaml'] },
        ['research'],
        DEFAULT_SAFETY,
        check,
        { research: 'gatesync.yaml' },
      ));
    expect(parsePlanFile(text, 'plan.json')).toEqual(JSON.parse(text));
  });
});
