/**
 * Groups a plan for reading: by workspace, then by resource — the
 * workspace's membership first, then each guardrail by name.
 */
import { compareText } from '../model/compare-text.js';
import type { SafetyCheck } from '../plan/safety.js';
import type { Change, Kept, MemberChange, Plan } from '../model/plan.js';
import { unhandled } from '../model/relations.js';

export interface ResourceSection {
  /** `membership` or the guardrail's name. */
  title: string;
  guardrailId?: string;
  changes: Change[];
  kept: Kept[];
}

export interface WorkspaceSection {
  workspaceSlug: string;
  resources: ResourceSection[];
}

export function groupPlan(plan: Plan): WorkspaceSection[] {
  const workspaces = new Map<string, Map<string, ResourceSection>>();
  const section = (workspaceSlug: string, guardrailId?: string, guardrailName?: string) => {
    let resources = workspaces.get(workspaceSlug);
    if (!resources) workspaces.set(workspaceSlug, (resources = new Map()));
    const key = guardrailId ?? '';
    let resource = resources.get(key);
    if (!resource) {
      resource = { title: guardrailName ?? 'membership', guardrailId, changes: [], kept: [] };
      resources.set(key, resource);
    }
    return resource;
  };
  for (const change of plan.changes) {
    const guardrail = 'guardrailId' in change ? change : undefined;
    section(change.workspaceSlug, guardrail?.guardrailId, guardrail?.guardrailName).changes.push(change);
  }
  for (const kept of plan.kept) section(kept.workspaceSlug, kept.guardrailId, kept.guardrailName).kept.push(kept);

  return [...workspaces.entries()]
    .sort(([a], [b]) => compareText(a, b))
    .map(([workspaceSlug, resources]) => ({
      workspaceSlug,
      resources: [...resources.values()].sort(
        (a, b) => Number(a.guardrailId !== undefined) - Number(b.guardrailId !== undefined) || compareText(a.title, b.title),
      ),
    }));
}

/** `alice@corp.example (user_2abc)`, or the id alone when the email is unknown. */
export function memberLabel(member: { email: string; userId: string }): string {
  return member.email ? `${member.email} (${member.userId})` : member.userId;
}

/** `key research-ci (sk-mg-…a1b2)`: a key by name and label; the hash when it has no name. */
export function keyLabelOf(key: { keyName: string; keyLabel: string; keyHash: string }): string {
  const name = key.keyName || key.keyHash;
  return `key ${name}${key.keyLabel ? ` (${key.keyLabel})` : ''}`;
}

/** The sign and the words for one change, as the text and markdown plans show it. */
export function describeChange(change: Change): { sign: '+' | '-' | '~'; text: string } {
  switch (change.kind) {
    case 'assign-key':
      return { sign: '+', text: keyLabelOf(change) };
    case 'move-key':
      return { sign: '~', text: `${keyLabelOf(change)}  moves from ${change.fromGuardrailName} to ${change.guardrailName}` };
    case 'unassign-key':
      return { sign: '-', text: keyLabelOf(change) };
    default:
      return describeMemberChange(change);
  }
}

function describeMemberChange(change: MemberChange): { sign: '+' | '-' | '~'; text: string } {
  const via = change.via ? `  (via group ${change.via})` : '';
  const who = memberLabel(change);
  switch (change.kind) {
    case 'add-member':
      return { sign: '+', text: `${who}${via}` };
    case 'remove-member':
      return { sign: '-', text: who };
    case 'assign':
      return { sign: '+', text: `${who}${via}` };
    case 'move':
      return { sign: '~', text: `${who}  moves from ${change.fromGuardrailName} to ${change.guardrailName}${via}` };
    case 'unassign':
      return { sign: '-', text: `${who}${change.reason === 'leaves-workspace' ? '  (leaves the workspace)' : ''}` };
    default:
      return unhandled(change);
  }
}

export function describeKept(kept: Kept): string {
  const who = 'keyHash' in kept ? keyLabelOf(kept) : memberLabel(kept);
  return `${who}  ${kept.reason === 'protected' ? 'kept (protected)' : 'not in the file (kept)'}`;
}

/** `Plan: 12 to add, 3 to remove, 2 to move, in 2 workspaces.` — zero counts left out. */
export function summaryLine(plan: Plan): string {
  const { summary } = plan;
  if (summary.total === 0) return 'No changes. The organization matches the file.';
  const parts = [
    [summary.add, 'to add'],
    [summary.remove, 'to remove'],
    [summary.assign, 'to assign'],
    [summary.unassign, 'to unassign'],
    [summary.move, 'to move'],
    [summary.assignKeys, `key${summary.assignKeys === 1 ? '' : 's'} to assign`],
    [summary.unassignKeys, `key${summary.unassignKeys === 1 ? '' : 's'} to unassign`],
    [summary.moveKeys, `key${summary.moveKeys === 1 ? '' : 's'} to move`],
  ]
    .filter(([count]) => count)
    .map(([count, words]) => `${count} ${words}`);
  return `Plan: ${parts.join(', ')}, in ${summary.workspaces} workspace${summary.workspaces === 1 ? '' : 's'}.`;
}

/** `1 safety limit`, `3 safety limits`: how many limits a plan passes. */
export function limitsCount(check: SafetyCheck): string {
  return `${check.violations.length} safety limit${check.violations.length === 1 ? '' : 's'}`;
}
