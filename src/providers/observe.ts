/**
 * Reads the live state of what a file manages, and nothing more: the
 * organization's members (to resolve emails), each listed workspace, its
 * members, its guardrails and their assignments. Workspaces the file does not
 * list are never read; only the org-wide assignment listing, when it is the
 * cheaper way to read assignments, returns theirs too, and they are dropped.
 */
import { ApiError } from './api-error.js';
import {
  isDefaultWorkspace,
  type AssignmentInfo,
  type FirstPage,
  type GuardrailInfo,
  type OrgMember,
  type Provider,
  type WorkspaceInfo,
} from './provider.js';

export interface ObservedGuardrail {
  info: GuardrailInfo;
  members: Set<string>;
}

export interface ObservedWorkspace {
  info: WorkspaceInfo;
  isDefault: boolean;
  /** User ids; for the default workspace, every organization member. */
  members: Set<string>;
  guardrails: Map<string, ObservedGuardrail>;
}

export interface Observed {
  orgMembers: Map<string, OrgMember>;
  /** Workspaces by the key the file used; `undefined` when no workspace answers to it. */
  workspacesByKey: Map<string, ObservedWorkspace | undefined>;
  /** Every workspace of the organization: read only when a key matched none, for suggestions. */
  allWorkspaces?: WorkspaceInfo[];
  /** Guardrails named by UUID that are not in their workspace: where they really belong, if anywhere. */
  foreignGuardrails: Map<string, GuardrailInfo | undefined>;
}

/** What to read: the workspace keys of the file and, per key, its guardrail keys. */
export interface Scope {
  workspaces: Array<{ key: string; guardrailKeys: string[] }>;
}

export interface ObserveOptions {
  /** Reports decisions worth explaining under `--verbose`. */
  explain?: (message: string) => void;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function observe(provider: Provider, scope: Scope, options: ObserveOptions = {}): Promise<Observed> {
  const orgMemberList = provider.listOrgMembers();
  // Read now, with the lookups: it costs no round trip and lets `readAssignments` weigh the org-wide listing.
  const allAssignments = scope.workspaces.length > 0 ? readOrgWideFirstPage(provider, options) : Promise.resolve(undefined);
  const [orgMembers, workspaces] = await Promise.all([
    orgMemberList.then((list) => new Map(list.map((m) => [m.userId, m]))),
    readWorkspaces(provider, scope, orgMemberList, allAssignments, options),
    allAssignments,
  ]);
  const { workspaceList, read, assignments } = workspaces;

  const byId = new Map<string, ObservedWorkspace>();
  for (const w of read) {
    const guardrails = new Map<string, ObservedGuardrail>();
    for (const info of w.guardrailInfos) guardrails.set(info.id, { info, members: assignments.get(info.id) ?? new Set() });
    byId.set(w.info.id, { info: w.info, isDefault: w.isDefault, members: w.members, guardrails });
  }

  const workspacesByKey = new Map<string, ObservedWorkspace | undefined>();
  scope.workspaces.forEach((w, index) => {
    const info = workspaceList[index];
    workspacesByKey.set(w.key, info && byId.get(info.id));
  });

  const missingGuardrailIds = scope.workspaces.flatMap((w) => {
    const observed = workspacesByKey.get(w.key);
    return observed ? w.guardrailKeys.filter((key) => UUID.test(key) && !observed.guardrails.has(key)) : [];
  });
  const [allWorkspaces, foreign] = await Promise.all([
    workspaceList.some((w) => w === undefined) ? provider.listWorkspaces() : undefined,
    Promise.all(missingGuardrailIds.map((id) => provider.getGuardrail(id))),
  ]);
  const foreignGuardrails = new Map(missingGuardrailIds.map((id, i) => [id, foreign[i]]));
  return { orgMembers, workspacesByKey, allWorkspaces, foreignGuardrails };
}

interface WorkspaceRead {
  info: WorkspaceInfo;
  isDefault: boolean;
  members: Set<string>;
  guardrailInfos: GuardrailInfo[];
}

/**
 * Looks up the file's workspaces, then reads each one's members and
 * guardrails, and the guardrails' assignments as soon as every guardrail is
 * known, without waiting for the member listings. Each workspace is read
 * once, however many keys name it.
 */
async function readWorkspaces(
  provider: Provider,
  scope: Scope,
  orgMemberList: Promise<OrgMember[]>,
  allAssignments: Promise<FirstPage<AssignmentInfo> | undefined>,
  options: ObserveOptions,
): Promise<{ workspaceList: Array<WorkspaceInfo | undefined>; read: WorkspaceRead[]; assignments: Map<string, Set<string>> }> {
  const workspaceList = await Promise.all(scope.workspaces.map((w) => provider.getWorkspace(w.key)));
  const unique = new Map<string, WorkspaceInfo>();
  for (const info of workspaceList) if (info) unique.set(info.id, info);
  const infos = [...unique.values()];

  const guardrailLists = Promise.all(infos.map((info) => provider.listGuardrails(info.id)));
  const memberLists = Promise.all(
    infos.map((info) =>
      isDefaultWorkspace(info) ? orgMemberList.then((list) => list.map((m) => m.userId)) : provider.listWorkspaceMembers(info.id),
    ),
  );
  const [guardrails, members, assignments] = await Promise.all([
    guardrailLists,
    memberLists,
    guardrailLists.then(async (lists) => readAssignments(provider, lists.flat(), await allAssignments, options)),
  ]);
  const read = infos.map((info, i) => ({
    info,
    isDefault: isDefaultWorkspace(info),
    members: new Set(members[i]),
    guardrailInfos: guardrails[i]!,
  }));
  return { workspaceList, read, assignments };
}

/** The org-wide listing is only a shortcut: when the API refuses it, the per-guardrail listings still tell everything. */
async function readOrgWideFirstPage(provider: Provider, options: ObserveOptions): Promise<FirstPage<AssignmentInfo> | undefined> {
  try {
    return await provider.firstPageOfAllAssignments();
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    options.explain?.(`assignments: the org-wide listing was refused (${error.status}); reading them per guardrail`);
    return undefined;
  }
}

/**
 * Assignments of the given guardrails, from whichever listing needs fewer requests.
 *
 * Per guardrail, the listings cost P = Σ max(1, ⌈n_g/100⌉) ≥ G, the number
 * of guardrails, since every listing costs at least one request. The
 * org-wide listing costs O = ⌈T/100⌉ for the T assignments of the whole
 * organization, workspaces the file does not list included. Neither n_g nor
 * T is known before a first page; the org-wide first page was read with the
 * workspace lookups, so T is known once the guardrails are.
 *
 * Rule: read the org-wide listing to the end when O ≤ G; otherwise read per
 * guardrail. When O ≤ G the org-wide listing costs O ≤ G ≤ P requests in
 * total, its first page included: never more than per guardrail. Otherwise
 * the run costs P + 1, the one first page read to decide: never more than
 * one request above per guardrail. The bound G is the best one available
 * without reading per-guardrail pages, because a guardrail may hold nobody.
 */
async function readAssignments(
  provider: Provider,
  guardrails: GuardrailInfo[],
  allAssignments: FirstPage<AssignmentInfo> | undefined,
  options: ObserveOptions,
): Promise<Map<string, Set<string>>> {
  const byGuardrail = new Map(guardrails.map((g) => [g.id, new Set<string>()]));
  if (guardrails.length === 0) return byGuardrail;
  if (allAssignments && allAssignments.pages <= guardrails.length) {
    options.explain?.(
      `assignments: one org-wide listing, ${plural(allAssignments.pages, 'request')} for ${plural(allAssignments.totalCount, 'assignment')}; ` +
        `one listing per guardrail would take at least ${plural(guardrails.length, 'request')}`,
    );
    for (const { userId, guardrailId } of await allAssignments.readAll()) byGuardrail.get(guardrailId)?.add(userId);
    return byGuardrail;
  }
  if (allAssignments) {
    options.explain?.(
      `assignments: one listing per guardrail (${plural(guardrails.length, 'guardrail')}); the org-wide listing would take ` +
        `${plural(allAssignments.pages, 'request')} for ${plural(allAssignments.totalCount, 'assignment')} of the whole organization ` +
        '(its first page, read to decide, is the one request spent on it)',
    );
  }
  const lists = await Promise.all(guardrails.map((g) => provider.listGuardrailMembers(g.id)));
  guardrails.forEach((g, i) => byGuardrail.set(g.id, new Set(lists[i])));
  return byGuardrail;
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;
