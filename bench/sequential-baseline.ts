/**
 * The alternative gatesync is measured against: what a script on the
 * official SDK does when written the obvious way. Every listing is read page
 * by page (limit 100, one page after the other), and every change is its own
 * call (the bulk endpoints with one id), one after the other. Reads and the
 * diff are otherwise the same as gatesync's: the listed workspaces, their
 * members, guardrails and assignments, and the keys of the workspaces
 * whose guardrails list keys; adds, then assigns and moves (members, then
 * keys), then unassigns, then removals.
 */
import type { DesiredSpec } from './scenario.js';

const PAGE_LIMIT = 100;

export interface BaselineResult {
  readRequests: number;
  writeRequests: number;
  readMs: number;
  writeMs: number;
}

type Write = () => Promise<unknown>;

interface Page<T> {
  data: T[];
  total_count: number;
}

export async function runSequentialBaseline(baseUrl: string, apiKey: string, desired: DesiredSpec): Promise<BaselineResult> {
  let requests = 0;
  const call = async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
    requests++;
    const response = await fetch(baseUrl + path, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  };
  const listAll = async <T>(path: string): Promise<T[]> => {
    const items: T[] = [];
    const separator = path.includes('?') ? '&' : '?';
    for (let offset = 0; ; offset += PAGE_LIMIT) {
      const page = await call<Page<T>>('GET', `${path}${separator}offset=${offset}&limit=${PAGE_LIMIT}`);
      items.push(...page.data);
      if (offset + PAGE_LIMIT >= page.total_count) return items;
    }
  };

  /** `GET /keys` has no `limit` and no `total_count`: pages of 100 until a short one. */
  const listKeys = async (workspaceId: string): Promise<Array<{ hash: string; name: string }>> => {
    const keys: Array<{ hash: string; name: string }> = [];
    for (let offset = 0; ; offset += PAGE_LIMIT) {
      const page = await call<{ data: Array<{ hash: string; name: string }> }>('GET', `/keys?workspace_id=${workspaceId}&offset=${offset}`);
      keys.push(...page.data);
      if (page.data.length < PAGE_LIMIT) return keys;
    }
  };

  const readStarted = performance.now();
  const members = await listAll<{ id: string; email: string }>('/organization/members');
  const userIdOf = new Map(members.map((m) => [m.email.toLowerCase(), m.id]));
  const adds: Write[] = [];
  const assigns: Write[] = [];
  const keyAssigns: Write[] = [];
  const unassigns: Write[] = [];
  const removals: Write[] = [];
  for (const spec of desired.workspaces) {
    const { data: workspace } = await call<{ data: { id: string; slug: string } }>('GET', `/workspaces/${encodeURIComponent(spec.slug)}`);
    const liveMembers = new Set(
      spec.emails === undefined
        ? []
        : (await listAll<{ user_id: string }>(`/workspaces/${workspace.id}/members`)).map((m) => m.user_id),
    );
    const guardrails = await listAll<{ id: string; name: string }>(`/guardrails?workspace_id=${workspace.id}`);
    const heldBy = new Map<string, string>();
    for (const guardrail of guardrails) {
      const assigned = (await listAll<{ user_id: string }>(`/guardrails/${guardrail.id}/assignments/members`)).map((a) => a.user_id);
      for (const userId of assigned) heldBy.set(userId, guardrail.id);
    }

    const wantedMembers = spec.emails && new Set(spec.emails.map((email) => userIdOf.get(email)!));
    const leaving = new Set<string>();
    if (wantedMembers) {
      for (const userId of wantedMembers) {
        if (!liveMembers.has(userId)) adds.push(() => call('POST', `/workspaces/${workspace.id}/members/add`, { user_ids: [userId] }));
      }
      for (const userId of liveMembers) {
        if (wantedMembers.has(userId)) continue;
        leaving.add(userId);
        removals.push(() => call('POST', `/workspaces/${workspace.id}/members/remove`, { user_ids: [userId] }));
      }
    }
    const wantedGuardrail = new Map<string, string>();
    for (const guardrailSpec of spec.guardrails) {
      const guardrail = guardrails.find((g) => g.name === guardrailSpec.name)!;
      for (const email of guardrailSpec.emails) wantedGuardrail.set(userIdOf.get(email)!, guardrail.id);
    }
    for (const [userId, guardrailId] of wantedGuardrail) {
      if (heldBy.get(userId) === guardrailId) continue;
      assigns.push(() => call('POST', `/guardrails/${guardrailId}/assignments/members`, { member_user_ids: [userId] }));
    }
    const managed = new Set(spec.guardrails.map((g) => guardrails.find((live) => live.name === g.name)!.id));
    if (spec.guardrails.some((g) => g.keys)) {
      const hashOf = new Map((await listKeys(workspace.id)).map((key) => [key.name, key.hash]));
      const keyHeldBy = new Map<string, string>();
      for (const guardrail of guardrails) {
        for (const row of await listAll<{ key_hash: string }>(`/guardrails/${guardrail.id}/assignments/keys`)) keyHeldBy.set(row.key_hash, guardrail.id);
      }
      const wantedKey = new Map<string, string>();
      for (const guardrailSpec of spec.guardrails) {
        const guardrail = guardrails.find((g) => g.name === guardrailSpec.name)!;
        for (const name of guardrailSpec.keys ?? []) wantedKey.set(hashOf.get(name)!, guardrail.id);
      }
      for (const [hash, guardrailId] of wantedKey) {
        if (keyHeldBy.get(hash) !== guardrailId) keyAssigns.push(() => call('POST', `/guardrails/${guardrailId}/assignments/keys`, { key_hashes: [hash] }));
      }
      for (const [hash, guardrailId] of keyHeldBy) {
        if (managed.has(guardrailId) && !wantedKey.has(hash)) {
          unassigns.push(() => call('POST', `/guardrails/${guardrailId}/assignments/keys/remove`, { key_hashes: [hash] }));
        }
      }
    }
    for (const [userId, guardrailId] of heldBy) {
      const unlisted = managed.has(guardrailId) && !wantedGuardrail.has(userId);
      if (leaving.has(userId) || unlisted) {
        unassigns.push(() => call('POST', `/guardrails/${guardrailId}/assignments/members/remove`, { member_user_ids: [userId] }));
      }
    }
  }
  const readRequests = requests;
  const readMs = performance.now() - readStarted;

  const writeStarted = performance.now();
  for (const write of [...adds, ...assigns, ...keyAssigns, ...unassigns, ...removals]) await write();
  return { readRequests, writeRequests: requests - readRequests, readMs, writeMs: performance.now() - writeStarted };
}
