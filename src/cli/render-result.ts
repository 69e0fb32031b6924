import type { ApplyResult } from '../apply/apply.js';
import { memberLabel } from './group-plan.js';

/** The end of an apply: every refused member by name and reason, every failed batch, then one summary line. */
export function renderApplyResult(result: ApplyResult): string {
  const lines: string[] = [];
  for (const batch of result.batches) {
    const where = `workspace ${batch.workspaceSlug}, ${batch.call} on ${batch.targetLabel}`;
    if (batch.restore) {
      const who = batch.applied.join(', ');
      if (who) lines.push(`  restored: ${batch.targetLabel} for ${who}, whose removal failed (workspace ${batch.workspaceSlug})`);
      continue;
    }
    for (const refused of batch.refused) lines.push(`  refused: ${memberLabel(refused)} — ${refused.reason} (${where})`);
    if (batch.error) lines.push(`  ${batch.status}: ${batch.userIds.length} member(s) — ${batch.error} (${where})`);
  }
  const calls = result.batches.reduce((sum, b) => sum + b.requests, 0);
  const summary = `${result.applied} change${result.applied === 1 ? '' : 's'} applied in ${calls} call${calls === 1 ? '' : 's'}`;
  if (result.ok) return `Apply complete: ${summary}.\n`;
  return [
    'Apply finished with errors:',
    ...lines,
    `Apply incomplete: ${summary}; ${result.refused} refused, ${result.failed} batch(es) failed, ${result.skipped} skipped. Fix the causes and run apply again: it converges.`,
  ].join('\n') + '\n';
}
