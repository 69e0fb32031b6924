/** The GitHub Action's step, driven against the simulator and a fake GitHub API, as a pull-request workflow runs it. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAction } from '../src/action/run-action.js';
import { generateOrg, type RunningSimulator } from '../src/simulator/index.js';
import { workdir } from './support/cli.js';
import { fakeGitHubPerTest, type FakeGitHub } from './support/fake-github.js';
import { email, range, simulatorPerTest, uid } from './support/org.js';

const REPOSITORY = 'acme/membership';
const TOKEN = 'ghs_fake_token_for_tests';
const startSimulator = simulatorPerTest();
const startGitHub = fakeGitHubPerTest(REPOSITORY, TOKEN);

async function org(): Promise<RunningSimulator> {
  const simulator = await startSimulator({
    state: generateOrg({ members: 30, workspaces: 1, guardrailsPerWorkspace: 1, membershipsPerWorkspace: 0, assignedShare: 0, seed: 1 }),
  });
  for (const i of range(1, 12)) simulator.store.addWorkspaceMember('ws-001', uid(i));
  return simulator;
}
const membersConfig = (members: number[]) => `version: 1\nworkspaces:\n  ws-001:\n    members: [${members.map(email).join(', ')}]\n`;

interface Run {
  code: number;
  log: string;
  outputs: Record<string, string>;
  summary: string;
  cwd: string;
}

async function runStep(sim: RunningSimulator | undefined, github: FakeGitHub, config: string, env: Record<string, string> = {}): Promise<Run> {
  const cwd = workdir({
    'gatesync.yaml': config,
    'event.json': JSON.stringify({ pull_request: { number: 7, head: { sha: 'abcdef1234567', repo: { full_name: REPOSITORY } } } }),
    'outputs.txt': '',
    'summary.md': '',
  });
  let log = '';
  const code = await runAction(
    {
      INPUT_COMMAND: 'plan',
      INPUT_CONFIG: 'gatesync.yaml',
      RUNNER_TEMP: cwd,
      GITHUB_EVENT_PATH: join(cwd, 'event.json'),
      GITHUB_REPOSITORY: REPOSITORY,
      GITHUB_API_URL: github.url,
      GITHUB_TOKEN: TOKEN,
      GITHUB_RUN_ID: '42',
      GITHUB_OUTPUT: join(cwd, 'outputs.txt'),
      GITHUB_STEP_SUMMARY: join(cwd, 'summary.md'),
      ...(sim ? { MODELGATES_BASE_URL: sim.url, MODELGATES_API_KEY: sim.apiKey } : {}),
      ...env,
    },
    cwd,
    (text) => void (log += text),
  );
  const outputs = Object.fromEntries(
    readFileSync(join(cwd, 'outputs.txt'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  return { code, log, outputs, summary: readFileSync(join(cwd, 'summary.md'), 'utf8'), cwd };
}

function onlyComment(github: FakeGitHub): string {
  expect(github.comments).toHaveLength(1);
  expect(github.comments[0]!.issue).toBe(7);
  return github.comments[0]!.body;
}

describe('action: plan on a pull request', () => {
  it('changes: one comment with the plan, counts and saved plan as outputs', async () => {
    const sim = await org();
    const github = await startGitHub();
    const run = await runStep(sim, github, membersConfig(range(1, 14)));
    expect(run.code).toBe(0);
    const body = onlyComment(github);
    expect(body.startsWith('<!-- gatesync-plan:gatesync.yaml -->\n')).toBe(true);
    expect(body).toContain('Plan: 2 to add, in 1 workspace.');
    expect(body).toContain(`+ ${email(13)} (${uid(13)})`);
    expect(body).toContain('at abcdef1');
    expect(run.outputs).toMatchObject({ 'exit-code': '2', outcome: 'changes', add: '2', remove: '0', total: '2', 'comment-url': expect.stringContaining('#issuecomment-') });
    expect(JSON.parse(readFileSync(run.outputs['plan-json']!, 'utf8')).summary.add).toBe(2);
    expect(readFileSync(run.outputs['plan-markdown']!, 'utf8')).toContain('### gatesync plan');
    expect(run.summary).toBe(body);
    expect(sim.stats.writes).toBe(0);
  });

  it('no changes: the same comment is updated in place, not posted again', async () => {
    const sim = await org();
    const github = await startGitHub();
    await runStep(sim, github, membersConfig(range(1, 14)));
    const run = await runStep(sim, github, membersConfig(range(1, 12)));
    expect(run.code).toBe(0);
    const body = onlyComment(github);
    expect(body).toContain('No changes. The organization matches the file.');
    expect(body).not.toContain(email(13));
    expect(github.requests.filter((r) => r.startsWith('POST'))).toHaveLength(1);
    expect(github.requests.filter((r) => r.startsWith('PATCH'))).toHaveLength(1);
    expect(run.outputs).toMatchObject({ 'exit-code': '0', outcome: 'no-changes', total: '0' });
  });

  it('config error: the located errors replace the previous plan, and the step fails', async () => {
    const sim = await org();
    const github = await startGitHub();
    await runStep(sim, github, membersConfig(range(1, 14)));
    const run = await runStep(sim, github, 'version: 1\nworkspaces:\n  ws-001:\n    membrs: []\n');
    expect(run.code).toBe(1);
    const body = onlyComment(github);
    expect(body).toContain('### gatesync plan: failed');
    expect(body).toMatch(/gatesync\.yaml:4:\d+/);
    expect(body).toContain('membrs');
    expect(body).toContain('an earlier one no longer applies');
    expect(body).not.toContain(email(13));
    expect(run.outputs).toMatchObject({ 'exit-code': '1', outcome: 'error', total: '', 'plan-json': '' });
  });

  it('unsafe plan: marked as refused, with the limit it crosses, and the step fails', async () => {
    const sim = await org();
    const github = await startGitHub();
    const run = await runStep(sim, github, membersConfig(range(1, 4)));
    expect(run.code).toBe(1);
    const body = onlyComment(github);
    expect(body).toContain('### gatesync plan: refused as unsafe');
    expect(body).toContain('[!CAUTION]');
    expect(body).toMatch(/workspace ws-001: .*8/);
    expect(body).toContain(`- ${email(12)} (${uid(12)})`);
    expect(run.outputs).toMatchObject({ 'exit-code': '3', outcome: 'unsafe', remove: '8' });
    expect(sim.stats.writes).toBe(0);
  });

  it('API error: the API answer is shown, never the key', async () => {
    const sim = await org();
    const github = await startGitHub();
    const run = await runStep(sim, github, membersConfig(range(1, 14)), { MODELGATES_API_KEY: 'mg-wrong-key-0123456789' });
    expect(run.code).toBe(1);
    const body = onlyComment(github);
    expect(body).toContain('### gatesync plan: failed');
    expect(body).toContain('401');
    expect(body + run.log).not.toContain('mg-wrong-key-0123456789');
    expect(body + run.log).not.toContain(TOKEN);
  });

  it("a fork's pull request, which gets no secrets: the comment says the plan could not run and why", async () => {
    const github = await startGitHub();
    const cwd = workdir({});
    writeFileSync(join(cwd, 'fork.json'), JSON.stringify({ pull_request: { number: 7, head: { sha: 'abcdef1', repo: { full_name: 'someone/membership' } } } }));
    const run = await runStep(undefined, github, membersConfig(range(1, 14)), { GITHUB_EVENT_PATH: join(cwd, 'fork.json'), MODELGATES_API_KEY: '' });
    expect(run.code).toBe(1);
    const body = onlyComment(github);
    expect(body).toContain('### gatesync plan: not run');
    expect(body).toContain('comes from a fork');
    expect(run.outputs).toMatchObject({ 'exit-code': '', outcome: 'not-run' });
  });

  it('a token that cannot comment fails the step with a hint, after writing the job summary', async () => {
    const sim = await org();
    const github = await startGitHub();
    const run = await runStep(sim, github, membersConfig(range(1, 14)), { GITHUB_TOKEN: 'ghs_read_only' });
    expect(run.code).toBe(1);
    expect(run.log).toContain('::error title=gatesync::cannot comment on pull request #7');
    expect(run.log).not.toContain('ghs_read_only');
    expect(run.summary).toContain('Plan: 2 to add');
  });
});

describe('action: apply on merge', () => {
  const merged = { GITHUB_EVENT_PATH: '', INPUT_COMMAND: 'apply', INPUT_PULL_REQUEST: '7', INPUT_NOTE: 'Applied by the merge workflow.' };

  it('applies the saved plan and reports the result on the merged pull request', async () => {
    const sim = await org();
    const github = await startGitHub();
    const planned = await runStep(sim, github, membersConfig(range(1, 14)), { INPUT_COMMENT: 'false' });
    expect(github.comments).toHaveLength(0);
    const cwd = planned.cwd;
    const run = await runStep(sim, github, membersConfig(range(1, 14)), { ...merged, INPUT_PLAN: join(cwd, 'gatesync', 'plan.json') });
    expect(run.code).toBe(0);
    expect(sim.store.isWorkspaceMember('ws-001', uid(14))).toBe(true);
    const body = onlyComment(github);
    expect(body).toMatch(/^<!-- gatesync-apply:gatesync\.yaml -->\n\n### gatesync apply: done\n/);
    expect(body).toContain('Apply complete');
    expect(body).toContain('Applied by the merge workflow.');
    expect(run.outputs).toMatchObject({ 'exit-code': '0', outcome: 'ok' });
  });

  it('a stale saved plan applies nothing; the comment shows why and the way forward', async () => {
    const sim = await org();
    const github = await startGitHub();
    const planned = await runStep(sim, github, membersConfig(range(1, 14)), { INPUT_COMMENT: 'false' });
    sim.store.addWorkspaceMember('ws-001', uid(20));
    sim.stats.reset();
    const run = await runStep(sim, github, membersConfig(range(1, 14)), { ...merged, INPUT_PLAN: join(planned.cwd, 'gatesync', 'plan.json') });
    expect(run.code).toBe(1);
    const body = onlyComment(github);
    expect(body).toContain('### gatesync apply: failed');
    expect(body).toContain('the organization changed since this plan was made');
    expect(body).toContain('Applied by the merge workflow.');
    expect(run.outputs).toMatchObject({ 'exit-code': '1', outcome: 'error' });
    expect(sim.stats.writes).toBe(0);
  });

  it('a missing saved plan applies nothing and says so', async () => {
    const sim = await org();
    const github = await startGitHub();
    const run = await runStep(sim, github, membersConfig(range(1, 14)), { ...merged, INPUT_PLAN: 'missing/plan.json' });
    expect(run.code).toBe(1);
    expect(onlyComment(github)).toContain('there is no saved plan at missing/plan.json; nothing was applied.');
    expect(sim.stats.writes).toBe(0);
  });
});
