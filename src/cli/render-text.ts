import { styleText } from 'node:util';
import type { Plan } from '../plan/types.js';
import { describeChange, describeKept, groupPlan, summaryLine } from './group-plan.js';

export type Paint = (style: 'green' | 'red' | 'yellow' | 'bold' | 'dim', text: string) => string;

export const plainPaint: Paint = (_style, text) => text;
// Whether to colour is decided by the caller (TTY, NO_COLOR), not by styleText's own stream check.
export const colourPaint: Paint = (style, text) => styleText(style, text, { validateStream: false });

const SIGN_STYLE = { '+': 'green', '-': 'red', '~': 'yellow' } as const;

/** The human plan: grouped by workspace and guardrail, one line per member, a summary line last. */
export function renderText(plan: Plan, paint: Paint = plainPaint): string {
  const lines: string[] = [];
  for (const workspace of groupPlan(plan)) {
    lines.push(paint('bold', `workspace ${workspace.workspaceSlug}`));
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
  return lines.join('\n') + '\n';
}
