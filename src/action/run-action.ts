/**
 * The GitHub Action's one step: runs a gatesync command with the inputs
 * action.yml passes as INPUT_* variables, then reports the outcome in every
 * case — outputs, job summary and, on a pull request, one comment kept up to
 * date. Whatever fails here is reported as a workflow error, never thrown.
 */
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve as resolvePath } from 'node:path';
import type { PlanSummary } from '../model/plan.js';
import type { Io } from '../cli/io.js';
import { runCli } from '../cli/run-cli.js';
import { upsertComment } from './github-api.js';
import { markerOf, renderReport, verdictOf, type ActionCommand, type RunOutcome } from './report.js';

type Env = Record<string, string | undefined>;

const COMMANDS: readonly ActionCommand[] = ['plan', 'apply', 'validate', 'export'];
const NEEDS_KEY: readonly ActionCommand[] = ['plan', 'apply', 'export'];
const SUMMARY_KEYS = ['add', 'remove', 'assign', 'unassign', 'move', 'total'] as const;

interface PullRequestEvent {
  pull_request?: { number?: number; head?: { sha?: string; repo?: { full_name?: string } | null } };
}

/** Prints to the workflow log as it goes; returns the step's exit code (0, or 1 to fail the step). */
export async function runAction(env: Env, cwd: string, log: (text: string) => void = (text) => void process.stderr.write(text)): Promise<number> {
  const command = (env.INPUT_COMMAND || 'plan') as ActionCommand;
  if (!COMMANDS.includes(command)) {
    log(`::error title=gatesync::input command must be one of ${COMMANDS.join(', ')} (got "${env.INPUT_COMMAND}")\n`);
    return 1;
  }
  const config = env.INPUT_CONFIG || 'gatesync.yaml';
  const outDir = resolvePath(cwd, env.INPUT_OUTPUT_DIR || join(env.RUNNER_TEMP || cwd, 'gatesync'));
  await mkdir(outDir, { recursive: true });
  const files = { planJson: join(outDir, 'plan.json'), planMarkdown: join(outDir, 'plan.md'), report: join(outDir, 'report.md') };
  const event = await readEvent(env.GITHUB_EVENT_PATH);

  const outcome = await runGatesync(command, config, env, cwd, files, event, log);
  const pullRequest = Number(env.INPUT_PULL_REQUEST) || event.pull_request?.number;
  const body = redact(
    renderReport(outcome, {
      commit: (event.pull_request?.head?.sha ?? env.GITHUB_SHA)?.slice(0, 7),
      runUrl: env.GITHUB_RUN_ID && env.GITHUB_REPOSITORY ? `${env.GITHUB_SERVER_URL || 'https://github.com'}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}` : undefined,
      note: env.INPUT_NOTE,
    }),
    env.MODELGATES_API_KEY,
  );
  await writeFile(files.report, body);
  if (env.GITHUB_STEP_SUMMARY) await appendFile(env.GITHUB_STEP_SUMMARY, body);

  let failed = command === 'plan' ? ![0, 2].includes(outcome.exitCode ?? 1) : outcome.exitCode !== 0;
  let commentUrl = '';
  if ((command === 'plan' || command === 'apply') && pullRequest && env.INPUT_COMMENT !== 'false') {
    try {
      commentUrl = await upsertComment(
        { apiUrl: env.GITHUB_API_URL || 'https://api.github.com', token: env.GITHUB_TOKEN ?? '', repository: env.GITHUB_REPOSITORY ?? '' },
        pullRequest,
        markerOf(command, config),
        body,
      );
    } catch (error) {
      log(`::error title=gatesync::cannot comment on pull request #${pullRequest}: ${(error as Error).message}\n`);
      failed = true;
    }
  }

  await writeOutputs(env.GITHUB_OUTPUT, {
    'exit-code': outcome.exitCode === undefined ? '' : String(outcome.exitCode),
    outcome: verdictOf(outcome),
    ...Object.fromEntries(SUMMARY_KEYS.map((key) => [key, outcome.summary ? String(outcome.summary[key]) : ''])),
    'plan-json': existsSync(files.planJson) ? files.planJson : '',
    'plan-markdown': existsSync(files.planMarkdown) ? files.planMarkdown : '',
    report: files.report,
    'comment-url': commentUrl,
  });
  if (outcome.notRun) log(`::error title=gatesync::${command} not run: ${outcome.notRun}\n`);
  return failed ? 1 : 0;
}

async function runGatesync(
  command: ActionCommand,
  config: string,
  env: Env,
  cwd: string,
  files: { planJson: string; planMarkdown: string },
  event: PullRequestEvent,
  log: (text: string) => void,
): Promise<RunOutcome> {
  const outcome: RunOutcome = { command, config, stdout: '', stderr: '' };
  const extra = (env.INPUT_ARGS ?? '').split(/\s+/).filter(Boolean);
  const fromFork = event.pull_request !== undefined && event.pull_request.head?.repo?.full_name !== env.GITHUB_REPOSITORY;
  const noKey = NEEDS_KEY.includes(command) && !env.MODELGATES_API_KEY?.trim() && !extra.includes('--api-key-file');
  if (noKey && fromFork) {
    outcome.notRun =
      'this pull request comes from a fork, and GitHub gives a fork no secrets, so there is no key to read the organization with. ' +
      'A maintainer can push the branch to this repository to have it planned.';
    return outcome;
  }
  const savedPlan = env.INPUT_PLAN;
  if (command === 'apply' && savedPlan && !existsSync(resolvePath(cwd, savedPlan))) {
    outcome.notRun = `there is no saved plan at ${savedPlan}; nothing was applied.`;
    return outcome;
  }

  await rm(files.planJson, { force: true });
  await rm(files.planMarkdown, { force: true });
  const argv = {
    plan: ['plan', '-c', config, '--format', 'markdown', '--out', files.planJson, '--detailed-exitcode'],
    apply: ['apply', ...(savedPlan ? [savedPlan] : []), '-c', config, '--yes'],
    validate: ['validate', '-c', config],
    export: ['export'],
  }[command];
  const io: Io = {
    stdout: (text) => {
      outcome.stdout += text;
      log(text);
    },
    stderr: (text) => {
      outcome.stderr += text;
      log(text);
    },
    // The action writes the job summary itself, once, with the outcome around the plan.
    env: { ...env, GITHUB_STEP_SUMMARY: undefined },
    stdinIsTTY: false,
    stdoutIsTTY: false,
    stderrIsTTY: false,
    cwd,
    ask: async () => '',
  };
  outcome.exitCode = await runCli([...argv, ...extra], io);
  if (command === 'plan') {
    outcome.summary = await readSummary(files.planJson);
    if (outcome.stdout.trim()) await writeFile(files.planMarkdown, outcome.stdout);
  }
  return outcome;
}

async function readSummary(path: string): Promise<PlanSummary | undefined> {
  try {
    return (JSON.parse(await readFile(path, 'utf8')) as { summary?: PlanSummary }).summary;
  } catch {
    return undefined;
  }
}

async function readEvent(path: string | undefined): Promise<PullRequestEvent> {
  if (!path) return {};
  try {
    return JSON.parse(await readFile(path, 'utf8')) as PullRequestEvent;
  } catch {
    return {};
  }
}

async function writeOutputs(path: string | undefined, outputs: Record<string, string>): Promise<void> {
  if (!path) return;
  await appendFile(path, Object.entries(outputs).map(([name, value]) => `${name}=${value.replace(/[\r\n]+/g, ' ')}\n`).join(''));
}

function redact(text: string, secret: string | undefined): string {
  return secret?.trim() ? text.split(secret.trim()).join('[REDACTED]') : text;
}
