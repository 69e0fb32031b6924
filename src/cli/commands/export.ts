import { stringify } from 'yaml';
import { compareText } from '../../plan/order-changes.js';
import { observe, type Observed, type ObservedWorkspace } from '../../providers/observe.js';
import type { Args } from '../args.js';
import { EXIT, UsageError } from '../errors.js';
import { writeOutput, type Io } from '../io.js';
import { connect, readApiKey } from '../pipeline.js';

/**
 * `gatesync export`: writes a config that matches live state, so adopting
 * gatesync is export, commit, and a plan with no changes. Emails where the
 * organization knows them, ids otherwise; everything sorted; each member's
 * name in a comment.
 */
export async function exportCommand(args: Args, io: Io): Promise<number> {
  const provider = connect(args, io, await readApiKey(args, io));
  try {
    const keys = args.workspaces.length ? args.workspaces : (await provider.listWorkspaces()).map((w) => w.slug);
    const observed = await observe(provider, { workspaces: keys.map((key) => ({ key, guardrailKeys: [] })) });
    const missing = keys.filter((key) => !observed.workspacesByKey.get(key));
    if (missing.length) throw new UsageError(`--workspace ${missing.join(', ')}: no such workspace`);
    const text = renderExport(observed);
    await writeOutput(io, args.output, text);
    return EXIT.ok;
  } finally {
    await provider.close();
  }
}

export function renderExport(observed: Observed): string {
  const workspaces = [...new Map([...observed.workspacesByKey.values()].flatMap((w) => (w ? [[w.info.id, w] as const] : []))).values()];
  workspaces.sort((a, b) => compareText(a.info.slug, b.info.slug));
  const lines = [
    '# yaml-language-server: $schema=https://unpkg.com/gatesync/schemas/gatesync.schema.json',
    '# Exported from the live organization by `gatesync export`.',
    'version: 1',
    'workspaces:',
  ];
  for (const workspace of workspaces) lines.push(...renderWorkspace(workspace, observed));
  return lines.join('\n') + '\n';
}

function renderWorkspace(workspace: ObservedWorkspace, observed: Observed): string[] {
  const member = (userId: string) => {
    const known = observed.orgMembers.get(userId);
    const name = [known?.firstName, known?.lastName].filter(Boolean).join(' ');
    return { ref: known?.email || userId, comment: name };
  };
  const list = (userIds: Iterable<string>, indent: string) => {
    const entries = [...userIds].map(member).sort((a, b) => compareText(a.ref, b.ref));
    const width = Math.max(0, ...entries.map((e) => scalar(e.ref).length));
    return entries.map((e) => `${indent}- ${scalar(e.ref).padEnd(width)}${e.comment ? `  # ${e.comment}` : ''}`.trimEnd());
  };
  const lines = [`  ${scalar(workspace.info.slug)}:${workspace.info.name ? `  # ${workspace.info.name}` : ''}`];
  if (!workspace.isDefault) {
    if (workspace.members.size) lines.push('    members:', ...list(workspace.members, '      '));
    else lines.push('    members: []', '    allow_empty: true');
  }
  const guardrails = [...workspace.guardrails.values()]
    .filter((g) => g.info.id !== workspace.info.defaultGuardrailId && g.members.size > 0)
    .sort((a, b) => compareText(a.info.name, b.info.name));
  const nameCount = new Map<string, number>();
  for (const g of workspace.guardrails.values()) nameCount.set(g.info.name, (nameCount.get(g.info.name) ?? 0) + 1);
  if (guardrails.length) lines.push('    guardrails:');
  for (const guardrail of guardrails) {
    const unique = nameCount.get(guardrail.info.name) === 1;
    const key = unique ? guardrail.info.name : guardrail.info.id;
    lines.push(`      ${scalar(key)}:${unique ? '' : `  # ${guardrail.info.name}`}`, ...list(guardrail.members, '        '));
  }
  // The default workspace's membership is implicit: without assignments there is nothing to manage there.
  return workspace.isDefault && guardrails.length === 0 ? [] : lines;
}

/** A YAML scalar, quoted only when it must be. */
function scalar(value: string): string {
  return stringify(value).trimEnd();
}

