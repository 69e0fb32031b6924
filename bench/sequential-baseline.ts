/**
 * The alternative gatesync is measured against: the strongest simple script
 * a user writes on the official SDK (`@openrouter/sdk`), one request at a
 * time. It reads every listing page by page (limit 100, stopping at
 * `total_count`), then makes one bulk call per resource, call kind and batch
 * of up to 100 ids: adds, then assigns (moves included), then unassigns,
 * then removals.
 *
 * It reads only what its diff needs: the organization's members (emails to
 * ids), the workspaces (one listing rather than a lookup per workspace), and
 * for each workspace of the desired state its members (when it manages
 * them), its guardrails (`GET /guardrails?workspace_id=`: without it the API
 * lists only the default workspace's) and the assignments of the guardrails
 * the diff needs: every guardrail listed in the workspace when members may
 * leave (a leaver is unassigned first, wherever they are assigned), else the
 * managed ones only; and, where the file's guardrails list keys, the
 * workspace's keys (`GET /keys`, pages of 100 until a short one) and the
 * managed guardrails' key assignments. It checks nothing before writing: a
 * file naming a non-member under a guardrail is left to the API to refuse.
 *
 * `node dist/bench/sequential-baseline.js DESIRED.json [--dry-run]` runs it
 * against MODELGATES_BASE_URL with MODELGATES_API_KEY and prints one JSON
 * line; `--dry-run` reads and diffs without writing.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { OpenRouter } from '@openrouter/sdk';
import type { DesiredSpec } from './scenario.js';

const PAGE_LIMIT = 100;
/** The documented maximum of `members/add` and `members/remove`, used for every bulk call. */
const BATCH_LIMIT = 100;

export interface BaselineResult {
  readRequests: number;
  writeRequests: number;
  readMs: number;
  writeMs: number;
}

interface Page<T> {
  result: { data: T[]; totalCount: number };
}

type Phase = 'add' | 'assign' | 'assign-keys' | 'unassign' | 'unassign-keys' | 'remove';
const PHASES: readonly Phase[] = ['add', 'assign', 'assign-keys', 'unassign', 'unassign-keys', 'remove'];

/** One bulk call of the diff: `target` is a workspace id (add, remove) or a guardrail id (the others); `ids` are user ids or key hashes. */
interface Write {
  phase: Phase;
  target: string;
  ids: string[];
}

export async function runSequentialBaseline(
  baseUrl: string,
  apiKey: string,
  desired: DesiredSpec,
  options: { dryRun?: boolean } = {},
): Promise<BaselineResult> {
  const sdk = new OpenRouter({ apiKey, serverURL: baseUrl });
  let requests = 0;
  const listAll = async <T>(page: (offset: number) => Promise<Page<T>>): Promise<T[]> => {
    const items: T[] = [];
    for (let offset = 0; ; offset += PAGE_LIMIT) {
      requests++;
      const { result } = await page(offset);
      items.push(...result.data);
      if (offset + PAGE_LIMIT >= result.totalCount) return items;
    }
  };

  const readStarted = performance.now();
  const members = await listAll((offset) => sdk.organization.listMembers({ offset, limit: PAGE_LIMIT }));
  const userIdOf = new Map(members.map((member) => [member.email.toLowerCase(), member.id]));
  const workspaces = await listAll((offset) => sdk.workspaces.list({ offset, limit: PAGE_LIMIT }));
  const writes: Write[] = [];
  for (const spec of desired.workspaces) {
    const workspace = workspaces.find((w) => w.slug === spec.slug);
    if (!workspace) throw new Error(`no workspace ${spec.slug}`);
    const live = spec.emails
      ? new Set((await listAll((offset) => sdk.workspaces.listMembers({ id: workspace.id, offset, limit: PAGE_LIMIT }))).map((m) => m.userId))
      : new Set<string>();
    const guardrails = await listAll((offset) => sdk.guardrails.list({ workspaceId: workspace.id, offset, limit: PAGE_LIMIT }));
    const idOfName = new Map(guardrails.map((guardrail) => [guardrail.name, guardrail.id]));
    const managed = new Set((spec.guardrails ?? []).map((g) => idOfName.get(g.name)!));
    const heldBy = new Map<string, string>();
    for (const guardrail of guardrails) {
      if (!spec.emails && !managed.has(guardrail.id)) continue;
      const assignments = await listAll((offset) => sdk.guardrails.listGuardrailMemberAssignments({ id: guardrail.id, offset, limit: PAGE_LIMIT }));
      for (const assignment of assignments) heldBy.set(assignment.userId, guardrail.id);
    }

    const keyHeldBy = new Map<string, string>();
    const wantedKey = new Map<string, string>();
    if (spec.guardrails?.some((g) => g.keys)) {
      const keys: Array<{ hash: string; name: string }> = [];
      for (let offset = 0; ; offset += PAGE_LIMIT) {
        requests++;
        const page = await sdk.apiKeys.list({ workspaceId: workspace.id, offset, includeDisabled: true });
        keys.push(...page.data);
        if (page.data.length < PAGE_LIMIT) break;
      }
      const hashOf = new Map(keys.map((key) => [key.name, key.hash]));
      const keyManaged = spec.guardrails.filter((g) => g.keys).map((g) => idOfName.get(g.name)!);
      for (const guardrailId of keyManaged) {
        const rows = await listAll((offset) => sdk.guardrails.listGuardrailKeyAssignments({ id: guardrailId, offset, limit: PAGE_LIMIT }));
        for (const row of rows) keyHeldBy.set(row.keyHash, guardrailId);
      }
      for (const guardrail of spec.guardrails) for (const name of guardrail.keys ?? []) wantedKey.set(hashOf.get(name)!, idOfName.get(guardrail.name)!);
    }

    const wanted = spec.emails && new Set(spec.emails.map((email) => userIdOf.get(email.toLowerCase())!));
    const leaving = new Set(wanted ? [...live].filter((userId) => !wanted.has(userId)) : []);
    const wantedGuardrail = new Map<string, string>();
    for (const guardrail of spec.guardrails ?? []) {
      for (const email of guardrail.emails) wantedGuardrail.set(userIdOf.get(email.toLowerCase())!, idOfName.get(guardrail.name)!);
    }
    const calls = new Map<string, Write>();
    const change = (phase: Phase, target: string, id: string) => {
      const key = `${phase} ${target}`;
      const call = calls.get(key) ?? { phase, target, ids: [] };
      call.ids.push(id);
      calls.set(key, call);
    };
    for (const userId of wanted ?? []) if (!live.has(userId)) change('add', workspace.id, userId);
    for (const [userId, guardrailId] of wantedGuardrail) if (heldBy.get(userId) !== guardrailId) change('assign', guardrailId, userId);
    for (const [userId, guardrailId] of heldBy) {
      if (leaving.has(userId) || (managed.has(guardrailId) && !wantedGuardrail.has(userId))) change('unassign', guardrailId, userId);
    }
    for (const [hash, guardrailId] of wantedKey) if (keyHeldBy.get(hash) !== guardrailId) change('assign-keys', guardrailId, hash);
    for (const [hash, guardrailId] of keyHeldBy) if (!wantedKey.has(hash)) change('unassign-keys', guardrailId, hash);
    for (const userId of leaving) change('remove', workspace.id, userId);
    for (const call of calls.values()) {
      for (let i = 0; i < call.ids.length; i += BATCH_LIMIT) writes.push({ ...call, ids: call.ids.slice(i, i + BATCH_LIMIT) });
    }
  }
  const readRequests = requests;
  const readMs = performance.now() - readStarted;

  const writeStarted = performance.now();
  if (!options.dryRun) {
    for (const phase of PHASES) {
      for (const write of writes.filter((w) => w.phase === phase)) {
        requests++;
        await send(sdk, write);
      }
    }
  }
  return { readRequests, writeRequests: requests - readRequests, readMs, writeMs: performance.now() - writeStarted };
}

function send(sdk: OpenRouter, { phase, target: id, ids }: Write): Promise<unknown> {
  switch (phase) {
    case 'add':
      return sdk.workspaces.bulkAddMembers({ id, bulkAddWorkspaceMembersRequest: { userIds: ids } });
    case 'assign':
      return sdk.guardrails.bulkAssignMembers({ id, bulkAssignMembersRequest: { memberUserIds: ids } });
    case 'assign-keys':
      return sdk.guardrails.bulkAssignKeys({ id, bulkAssignKeysRequest: { keyHashes: ids } });
    case 'unassign':
      return sdk.guardrails.bulkUnassignMembers({ id, bulkUnassignMembersRequest: { memberUserIds: ids } });
    case 'unassign-keys':
      return sdk.guardrails.bulkUnassignKeys({ id, bulkUnassignKeysRequest: { keyHashes: ids } });
    case 'remove':
      return sdk.workspaces.bulkRemoveMembers({ id, bulkRemoveWorkspaceMembersRequest: { userIds: ids } });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [file] = process.argv.slice(2);
  const { MODELGATES_BASE_URL: baseUrl, MODELGATES_API_KEY: apiKey } = process.env;
  if (!file || !baseUrl || !apiKey) {
    console.error('usage: MODELGATES_BASE_URL=… MODELGATES_API_KEY=… node dist/bench/sequential-baseline.js DESIRED.json [--dry-run]');
    process.exit(2);
  }
  const desired = JSON.parse(readFileSync(file, 'utf8')) as DesiredSpec;
  console.log(JSON.stringify(await runSequentialBaseline(baseUrl, apiKey, desired, { dryRun: process.argv.includes('--dry-run') })));
}
