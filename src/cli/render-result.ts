import type { ApplyResult } from '../apply/apply.js';
import { effectOfCall, RELATIONS } from '../model/relations.js';
import { memberLabel } from './group-plan.js';

const REMOVAL_HINT = 'a member with active API keys in the workspace or managed by SCIM cannot be removed';

/**
 * The end of an apply: every refused member by name and reason, every change
 * a read-back shows did not take effect, every failed batch, then one summary
 * line; with `verbose`, what verification cost.
 */
export function renderApplyResult(result: ApplyResult, verbose = false): string {
  const lines: string[] = [];
  for (const batch of result.batches) {
    const where = `workspace ${batch.workspaceSlug}, ${batch.call} on ${batch.targetLabel}`;
    if (batch.restore) {
      const who = batch.applied.join(', ');
      if (who) lines.push(`  restored: ${batch.targetLabel} for ${who}, whose removal failed (workspace ${batch.workspaceSlug})`);
      if (batch.status !== 'ok') lines.push(`  not restored: ${batch.targetLabel} for ${batch.userIds.filter((id) => !batch.applied.includes(id)).join(', ')} — ${batch.error ?? 'see above'}`);
      continue;
    }
    for (const refused of batch.refused) lines.push(`  refused: ${memberLabel(refused)} — ${refused.reason} (${where})`);
    for (const missed of batch.notApplied) {
      const hint = batch.call === 'remove-members' ? `; ${REMOVAL_HINT}` : '';
      lines.push(`  not applied: ${memberLabel(missed)} — expected ${missed.expected}, but the read-back after a 200 shows otherwise${hint} (${where})`);
    }
    const subjects = RELATIONS[effectOfCall(batch.call).relation].subject;
    if (batch.error && batch.status !== 'interrupted') lines.push(`  ${batch.status}: ${batch.userIds.length} ${subjects}(s) — ${batch.error} (${where})`);
  }
  if (result.interrupted > 0) {
    const changes = result.batches.filter((b) => b.status === 'interrupted').reduce((sum, b) => sum + b.userIds.length, 0);
    lines.push(`  interrupted: ${result.interrupted} batch(es) not started, ${changes} change(s) not applied`);
  }
  const calls = result.batches.reduce((sum, b) => sum + b.requests, 0);
  const summary = `${result.applied} change${result.applied === 1 ? '' : 's'} applied in ${calls} call${calls === 1 ? '' : 's'}`;
  const { resources, requests } = result.verification;
  const cost = verbose ? `\nVerification: ${resources} resource(s) read back in ${requests} request(s).` : '';
  if (result.ok) return `Apply complete: ${summary}.${cost}\n`;
  const heading = result.interrupted > 0 ? 'Apply interrupted:' : 'Apply finished with errors:';
  const counts = `${result.refused} refused, ${result.notApplied} not applied, ${result.failed} batch(es) failed, ${result.skipped} skipped, ${result.interrupted} not started`;
  return [heading, ...lines, `Apply incomplete: ${summary}; ${counts}. Fix the causes and run apply again: it converges.${cost}`].join('\n') + '\n';
}
