import { styleText } from 'node:util';
import { PASSED, type SafetyCheck } from '../plan/safety.js';
import type { Plan } from '../model/plan.js';
import { describeChange, describeKept, groupPlan, limitsCount, summaryLine } from './group-plan.js';
import { ownerOf, type Owners } from './owners.js';

export type Paint = (style: 'green' | 'red' | 'yellow' | 'bold' | 'dim', text: string) => string;

export const plainPaint: Paint = (_style, text) => text;
// Whether to colour is decided by the caller (TTY, NO_COLOR), not by styleText's own stream check.
export const colourPaint: Paint = (style, text) => styleText(style, text, { validateStream: false });

const SIGN_STYLE = { '+': 'green', '-': 'red', '~': 'yellow' } as const;

/**
 * The human plan: grouped by workspace and guardrail, one line per member,
 * a summary line, and a verdict line when the plan passes a safety limit
 * (stderr names each limit). With `owners`, each workspace names the file
 * that declares it.
 */
export function renderText(plan: Plan, paint: Paint = plainPaint, check: SafetyCheck = PASSED, owners?: Owners): string {
  const lines: string[] = [];
  for (const workspace of groupPlan(plan)) {
    const owner = ownerOf(owners, workspace.workspaceSlug);
    lines.push(paint('bold', `workspace ${workspace.workspaceSlug}`) + (owner === undefined ? '' : paint('dim', `  (${owner})`)));
    for (const resource of workspace.resources) {
      lines.push(`  ${resource.guardrailId ? `guardrail ${resource.title}` : resource.title}`);
      for (const change of resource.changes) {
        const { sign, text } = describeChange(change);
        lines.push(paint(SIGN_STYLE[sign], `    ${sign} ${text}`));
      }
      for (const kept of resource.kept) lines.push(paint('dim', `    = ${describeKept(kept)}`));
    }
    lines.push('');
  }
  for (const warning of plan.warnings) lines.push(paint('yellow', `warning: ${warning}`));
  lines.push(paint('bold', summaryLine(plan)));
  if (check.result === 'refused') lines.push(paint('red', `Refused as unsafe: the plan passes ${limitsCount(check)}; nothing will be applied.`));
  if (check.result === 'overridden') lines.push(paint('yellow', `Safety limits overridden by --allow-destructive: the plan passes ${limitsCount(check)}.`));
  return lines.join('\n') + '\n';
}
