/**
 * The markdown plan, sized for one pull-request comment: a summary table,
 * then each resource's changes in a ```diff block (GitHub colours `+`, `-`
 * and `!`). Resources with many changes fold into <details>; past the size
 * limit the rest is cut, with a note saying how much was left out. A plan
 * over the safety limits says so in its title and in an alert before the
 * changes, refused or overridden, so a pull-request comment cannot pass for
 * a normal plan. With `owners` (a configuration split across files), the
 * changes are grouped by file, a heading per file, so each team reviews its
 * part.
 */
import { PASSED, type SafetyCheck } from '../plan/safety.js';
import type { Plan } from '../model/plan.js';
import { describeChange, describeKept, groupPlan, limitsCount, summaryLine, type WorkspaceSection } from './group-plan.js';
import { ownerOf, type Owners } from './owners.js';
import { compareText } from '../model/compare-text.js';

export const MARKDOWN_LIMIT = 60_000;
export const COLLAPSE_OVER = 50;
/** Room kept for closing a fence and the cut note. */
const RESERVE = 600;

const DIFF_SIGN = { '+': '+', '-': '-', '~': '!' } as const;

export function renderMarkdown(plan: Plan, check: SafetyCheck = PASSED, limit = MARKDOWN_LIMIT, owners?: Owners): string {
  const sections = byFile(groupPlan(plan), owners);
  const fileColumn = owners === undefined ? ['', ''] : [' file |', '---|'];
  const head: string[] = [...title(check), '', `**${summaryLine(plan)}**`, '', ...safetyAlert(check)];
  for (const warning of plan.warnings) head.push(`> **Warning:** ${warning}`, '');
  if (plan.summary.total > 0 || plan.kept.length > 0) {
    head.push(`|${fileColumn[0]} workspace | add | remove | assign | unassign | move | kept |`, `|${fileColumn[1]}---|--:|--:|--:|--:|--:|--:|`);
    for (const workspace of sections) {
      const changes = workspace.resources.flatMap((r) => r.changes);
      const count = (...kinds: string[]) => changes.filter((c) => kinds.includes(c.kind)).length;
      const kept = workspace.resources.reduce((sum, r) => sum + r.kept.length, 0);
      const file = owners === undefined ? '' : ` \`${ownerOf(owners, workspace.workspaceSlug) ?? ''}\` |`;
      head.push(
        `|${file} \`${workspace.workspaceSlug}\` | ${count('add-member')} | ${count('remove-member')} | ${count('assign')} | ${count('unassign')} | ${count('move')} | ${kept} |`,
      );
    }
    head.push('');
  }

  const out = new Writer(limit - RESERVE);
  for (const line of head) out.push(line);
  let omittedChanges = 0;
  let omittedResources = 0;
  let fileShown: string | undefined;
  for (const workspace of sections) {
    const file = ownerOf(owners, workspace.workspaceSlug);
    if (file !== undefined && file !== fileShown && !out.full) {
      out.push(`### \`${file}\``, '');
      fileShown = file;
    }
    if (out.full) {
      omittedChanges += workspace.resources.reduce((sum, r) => sum + r.changes.length, 0);
      omittedResources += workspace.resources.length;
      continue;
    }
    out.push(`#### workspace \`${workspace.workspaceSlug}\``, '');
    for (const resource of workspace.resources) {
      const title = resource.guardrailId ? `guardrail ${resource.title}` : 'membership';
      const counted = `${resource.changes.length} change${resource.changes.length === 1 ? '' : 's'}`;
      const collapse = resource.changes.length > COLLAPSE_OVER;
      if (!out.push(collapse ? `<details><summary>${title} — ${counted}</summary>` : `**${title}** — ${counted}`, '', '```diff')) {
        omittedChanges += resource.changes.length;
        omittedResources++;
        continue;
      }
      let written = 0;
      for (const change of resource.changes) {
        const { sign, text } = describeChange(change);
        if (!out.push(`${DIFF_SIGN[sign]} ${text}`)) break;
        written++;
      }
      for (const kept of resource.kept) if (!out.push(`  ${describeKept(kept)}`)) break;
      out.force('```', '');
      if (collapse) out.force('</details>', '');
      if (written < resource.changes.length) {
        omittedChanges += resource.changes.length - written;
        omittedResources++;
      }
    }
  }
  if (out.full) {
    out.force(
      `> **Output cut to fit one comment:** ${omittedChanges} more change${omittedChanges === 1 ? '' : 's'} in ${omittedResources} resource${omittedResources === 1 ? '' : 's'} not shown. Run \`gatesync plan\` for the full plan.`,
    );
  }
  return out.text();
}

/** The workspaces of each file together, files in path order; without owners, as they are. */
function byFile(sections: WorkspaceSection[], owners: Owners | undefined): WorkspaceSection[] {
  if (owners === undefined) return sections;
  const fileOf = (section: WorkspaceSection) => ownerOf(owners, section.workspaceSlug) ?? '';
  return [...sections].sort((a, b) => compareText(fileOf(a), fileOf(b)) || compareText(a.workspaceSlug, b.workspaceSlug));
}

function title(check: SafetyCheck): string[] {
  if (check.result === 'refused') return ['### gatesync plan: refused as unsafe'];
  if (check.result === 'overridden') return ['### gatesync plan: safety limits overridden'];
  return ['### gatesync plan'];
}

/** A GitHub alert naming each resource over a limit, with its count and the limit. */
function safetyAlert(check: SafetyCheck): string[] {
  if (check.result === 'passed') return [];
  const lead =
    check.result === 'refused'
      ? ['> [!CAUTION]', `> **Refused as unsafe** (exit 3): the plan passes ${limitsCount(check)}, so apply will write nothing.`]
      : ['> [!WARNING]', `> **Safety limits overridden** by \`--allow-destructive\`: the plan passes ${limitsCount(check)}.`];
  const closing =
    check.result === 'refused' ? ['>', '> If these removals are intended, run again with `--allow-destructive`.'] : [];
  return [...lead, '>', ...check.violations.map((v) => `> - ${v.resource}: ${v.message}`), ...closing, ''];
}

/** Collects lines up to a character budget; `force` writes past it (for closing fences and notes). */
class Writer {
  full = false;
  private readonly lines: string[] = [];
  private length = 0;

  constructor(private readonly budget: number) {}

  /** Writes all the lines, or none of them once the budget would be passed. */
  push(...lines: string[]): boolean {
    const size = lines.reduce((sum, line) => sum + line.length + 1, 0);
    if (this.full || this.length + size > this.budget) {
      this.full = true;
      return false;
    }
    this.force(...lines);
    return true;
  }

  force(...lines: string[]): void {
    for (const line of lines) {
      this.lines.push(line);
      this.length += line.length + 1;
    }
  }

  text(): string {
    return this.lines.join('\n') + '\n';
  }
}
