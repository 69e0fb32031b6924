/**
 * What the action posts (pull-request comment) and writes (job summary) for
 * one run. Every outcome gets a body of its own, so a comment never goes
 * empty and never keeps showing an earlier plan after a failure. Built from
 * the exit code and what the CLI printed, so it reads the same whether the
 * CLI marks refused plans itself or not.
 */
import type { PlanSummary } from '../model/plan.js';

export type ActionCommand = 'plan' | 'apply' | 'validate' | 'export';

export interface RunOutcome {
  command: ActionCommand;
  config: string;
  /** Absent when gatesync was not run at all (`notRun` says why). */
  exitCode?: number;
  notRun?: string;
  stdout: string;
  stderr: string;
  summary?: PlanSummary;
}

export type Verdict = 'no-changes' | 'changes' | 'unsafe' | 'error' | 'not-run' | 'ok';

export interface ReportContext {
  /** Short commit the run is for, when known. */
  commit?: string;
  runUrl?: string;
  /** Markdown appended as is (a workflow's own instructions). */
  note?: string;
}

/** GitHub refuses comments over 65,536 characters; the CLI's markdown plan stays under 60,000. */
const STDERR_LIMIT = 4_000;
const OUTPUT_LIMIT = 50_000;

export function verdictOf(outcome: RunOutcome): Verdict {
  if (outcome.exitCode === undefined) return 'not-run';
  if (outcome.exitCode === 3) return 'unsafe';
  if (outcome.exitCode === 2) return 'changes';
  if (outcome.exitCode !== 0) return 'error';
  if (outcome.command !== 'plan') return 'ok';
  return outcome.summary && outcome.summary.total > 0 ? 'changes' : 'no-changes';
}

/** The hidden first line that identifies this action's comment for one command and file. */
export function markerOf(command: ActionCommand, config: string): string {
  return `<!-- gatesync-${command}:${config} -->`;
}

export function renderReport(outcome: RunOutcome, context: ReportContext): string {
  const parts = [markerOf(outcome.command, outcome.config), ...sections(outcome, verdictOf(outcome)).filter(Boolean)];
  if (context.note) parts.push(context.note.trim());
  parts.push(footer(outcome, context));
  return parts.join('\n\n') + '\n';
}

function sections(outcome: RunOutcome, verdict: Verdict): string[] {
  const file = `\`${outcome.config}\``;
  const name = `gatesync ${outcome.command}`;
  const errors = codeBlock(cut(outcome.stderr.trim(), STDERR_LIMIT));
  switch (verdict) {
    case 'not-run':
      return [`### ${name}: not run`, `> [!WARNING]\n> ${name} could not run for ${file}: ${outcome.notRun}`];
    case 'error':
      return [
        `### ${name}: failed`,
        outcome.command === 'plan'
          ? `> [!WARNING]\n> gatesync plan failed for ${file} (exit ${outcome.exitCode}); nothing was changed. No plan is shown: an earlier one no longer applies.`
          : `> [!WARNING]\n> ${name} failed for ${file} (exit ${outcome.exitCode}).`,
        errors,
        ...printed(outcome),
      ];
    case 'unsafe':
      return [
        `### ${name}: refused as unsafe`,
        `> [!CAUTION]\n> This plan for ${file} crosses a safety limit, so \`gatesync apply\` refuses it and nothing is written. ` +
          'If the removals are intended, raise the limit in the file or apply once with `--allow-destructive`.',
        errors,
        ...(outcome.command === 'plan' ? [outcome.stdout.trim()] : printed(outcome)),
      ];
    case 'changes':
    case 'no-changes':
      return [outcome.stdout.trim() || `### ${name}\n\n${verdict === 'changes' ? 'Changes are planned.' : 'No changes.'}`];
    case 'ok':
      return [
        `### ${name}: done`,
        ...printed(outcome),
        ...(outcome.stderr.trim() ? [errors] : []),
      ];
  }
}

function footer(outcome: RunOutcome, context: ReportContext): string {
  const at = context.commit ? ` at ${context.commit}` : '';
  const run = context.runUrl ? ` · [workflow run](${context.runUrl})` : '';
  return `<sub>gatesync ${outcome.command} of \`${outcome.config}\`${at}${run}</sub>`;
}

function printed(outcome: RunOutcome): string[] {
  const text = outcome.stdout.trim();
  return text ? [details('What gatesync printed', codeBlock(cut(text, OUTPUT_LIMIT)))] : [];
}

function details(summary: string, body: string): string {
  return `<details><summary>${summary}</summary>\n\n${body}\n\n</details>`;
}

/** A fence longer than any run of backticks inside, so printed text cannot close it. */
export function codeBlock(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}text\n${text}\n${fence}`;
}

function cut(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}\n… (${text.length - limit} more characters in the workflow log)`;
}
