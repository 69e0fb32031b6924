/**
 * Reads the live state of what a file manages, and nothing more: the
 * organization's members (to resolve emails), each listed workspace, its
 * members, its guardrails and their assignments, which of them is the
 * default workspace and, only where a guardrail of the file lists `keys`,
 * the workspace's keys and where each is assigned. Workspaces the file does
 * not list are never read; only the org-wide assignment listings, when they
 * are the cheaper way to read assignments, return theirs too, and they are
 * dropped.
 */
import { ApiError } from './api-error.js';
import type { Observed, ObservedGuardrail, ObservedWorkspace, Scope } from '../model/observed.js';
import type { AssignmentInfo, GuardrailInfo, KeyInfo, OrgMember, WorkspaceInfo } from '../model/org.js';
import type { FirstPage, Provider } from './provider.js';

export interface ObserveOptions {
  /** Reports decisions worth explaining under `--verbose`. */
  explain?: (message: string) => void;
  /** The reads every plan starts with, when they were already started (see `startObserving`). */
  started?: StartedReads;
}

/** The reads that need nothing from the file: the organization's members and the first page of the workspace listing. */
export interface StartedReads {
  orgMembers: Promise<OrgMember[]>;
  /** `undefined` when the API refused the listing: the workspaces are then looked up one by one. */
  workspaces: Promise<FirstPage<WorkspaceInfo> | undefined>;
}

/**
 * Starts the reads every plan makes whatever its file says, so that they
 * can overlap with loading the file. Failures surface where they are
 * awaited, never as unhandled rejections.
 */
export function startObserving(provider: Provider): StartedReads {
  const orgMembers = provider.listOrgMembers();
  orgMembers.catch(() => undefined);
  const workspaces = orgWideOrUndefined(() => provider.firstPageOfWorkspaces(), 'workspaces', {});
  workspaces.catch(() => undefined);
  return { orgMembers, workspaces };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function observe(provider: Provider, scope: Scope, options: ObserveOptions = {}): Promise<Observed> {
  const started = options.started ?? startObserving(provider);
  const warnings: string[] = [];
  const [orgMembers, workspaces] = await Promise.all([
    started.orgMembers.then((list) => new Map(list.map((m) => [m.userId, m]))),
    readWorkspaces(provider, scope, started, warnings, options),
  ]);
  const { workspaceList, listed, read, assignments } = workspaces;

  const byId = new Map<string, ObservedWorkspace>();
  for (const w of read) {
    const guardrails = new Map<string, ObservedGuardrail>();
    for (const info of w.guardrailInfos) {
      const keys = w.keys && (w.keys.assignments.get(info.id) ?? new Set<string>());
      guardrails.set(info.id, { info, members: assignments.get(info.id) ?? new Set(), ...(keys && { keys }) });
    }
    byId.set(w.info.id, {
      info: w.info,
      ...w.defaultness,
      members: w.members,
      ...(w.membersUnread && { membersUnread: true as const }),
      guardrails,
      ...(w.keys && { keys: w.keys.byHash }),
    });
  }

  const workspacesByKey = new Map<string, ObservedWorkspace | undefined>();
  scope.workspaces.forEach((w, index) => {
    const info = workspaceList[index];
    workspacesByKey.set(w.key, info && byId.get(info.id));
  });

  // A workspace's default guardrail answers 404 until configured: it is known from the workspace, not looked up.
  const missingGuardrailIds = scope.workspaces.flatMap((w) => {
    const observed = workspacesByKey.get(w.key);
    const defaultGuardrailId = observed?.info.defaultGuardrailId?.toLowerCase();
    return observed ? w.guardrailKeys.filter((key) => UUID.test(key) && !observed.guardrails.has(key) && key !== defaultGuardrailId) : [];
  });
  const [allWorkspaces, foreign] = await Promise.all([
    listed ?? (workspaceList.some((w) => w === undefined) ? provider.listWorkspaces() : undefined),
    Promise.all(missingGuardrailIds.map((id) => provider.getGuardrail(id))),
  ]);
  const foreignGuardrails = new Map(missingGuardrailIds.map((id, i) => [id, foreign[i]]));
  return { orgMembers, workspacesByKey, allWorkspaces, foreignGuardrails, warnings };
}

interface Defaultness {
  isDefault: boolean;
  defaultUnproven?: boolean;
}

interface WorkspaceRead {
  info: WorkspaceInfo;
  defaultness: Defaultness;
  members: Set<string>;
  membersUnread?: true;
  guardrailInfos: GuardrailInfo[];
  keys?: KeysRead;
}

interface KeysRead {
  byHash: Map<string, KeyInfo>;
  /** Key hashes by guardrail id. */
  assignments: Map<string, Set<string>>;
}

/**
 * Looks up the file's workspaces, then reads each one's members and
 * guardrails, and the guardrails' assignments as soon as every guardrail is
 * known, without waiting for the member listings. Each workspace is read
 * once, however many keys name it. A workspace's default guardrail governs
 * whoever holds no guardrail there and takes no assignment (api.md), so its
 * assignments are never listed: a member or key on it holds none.
 */
async function readWorkspaces(
  provider: Provider,
  scope: Scope,
  started: StartedReads,
  warnings: string[],
  options: ObserveOptions,
): Promise<{
  workspaceList: Array<WorkspaceInfo | undefined>;
  listed?: WorkspaceInfo[];
  read: WorkspaceRead[];
  assignments: Map<string, Set<string>>;
}> {
  const orgMemberList = started.orgMembers;
  const { workspaceList, listed, saved } = await findWorkspaces(provider, scope.workspaces.map((w) => w.key), started.workspaces, options);
  // Read with the listings, so it costs no round trip; only when the lookups saved the one request it may waste (see `readAssignments`).
  const allAssignments = saved >= 1 ? orgWideOrUndefined(() => provider.firstPageOfAllAssignments(), 'assignments', options) : Promise.resolve(undefined);
  const unique = new Map<string, WorkspaceInfo>();
  for (const info of workspaceList) if (info) unique.set(info.id, info);
  const infos = [...unique.values()];
  const managed = new Set(scope.workspaces.flatMap((w, i) => (w.managesMembers !== false && workspaceList[i] ? [workspaceList[i]!.id] : [])));
  const readsKeys = new Set(scope.workspaces.flatMap((w, i) => (w.readsKeys && workspaceList[i] ? [workspaceList[i]!.id] : [])));
  const defaultGuardrails = new Set(infos.flatMap((info) => (info.defaultGuardrailId ? [info.defaultGuardrailId.toLowerCase()] : [])));
  const assignable = (lists: GuardrailInfo[][]) => lists.flat().filter((g) => !defaultGuardrails.has(g.id.toLowerCase()));

  const guardrailLists = Promise.all(
    infos.map(async (info) => ownGuardrails(info, await provider.listGuardrails(info.id), warnings)),
  );
  let evidence: Promise<string | undefined> | undefined;
  const memberLists = Promise.all(
    infos.map(async (info): Promise<MembersRead> => {
      // A simple script reads no membership it does not change; neither does a plan (see `MembersRead.unread`).
      if (!managed.has(info.id)) return { userIds: new Set(), everyone: false, unread: true };
      const read = await readMembers(provider, info, orgMemberList);
      // Asked as soon as the need shows, so that it runs alongside the other reads.
      if (read.everyone && managed.has(info.id)) evidence ??= defaultWorkspaceNamedByListings(provider, options);
      return read;
    }),
  );
  // The org-wide key-assignment listing may waste its first page too: only a second request saved pays for it.
  const keyReads = guardrailLists.then((lists) => readKeys(provider, infos, lists, assignable, readsKeys, saved >= 2, options));
  const [guardrails, members, assignments, defaultness, keys] = await Promise.all([
    guardrailLists,
    memberLists,
    Promise.all([guardrailLists, allAssignments]).then(([lists, firstPage]) => readAssignments(provider, assignable(lists), firstPage, options)),
    memberLists.then(async (lists) => identifyDefault(infos, lists, await evidence)),
    keyReads,
  ]);
  const read = infos.map((info, i) => ({
    info,
    defaultness: defaultness.get(info.id) ?? { isDefault: false },
    members: members[i]!.userIds,
    ...(members[i]!.unread && { membersUnread: true as const }),
    guardrailInfos: guardrails[i]!,
    ...(keys[i] && { keys: keys[i] }),
  }));
  return { workspaceList, listed, read, assignments };
}

/**
 * The file's workspaces by key, and the requests that saved (negative: spent
 * beyond one lookup per key).
 *
 * The yardstick is a script on the official SDK reading what the file
 * manages one call after another: list the organization's members and the
 * workspaces; per workspace, list its members and its guardrails; per
 * guardrail, list its assignments. A plan makes no more requests than that
 * script:
 * - the workspace listing's first page is asked before the file is read
 *   (`startObserving`), since every plan needs it or a lookup: it costs
 *   ⌈N/100⌉ for the N workspaces of the organization, the script's cost. It
 *   is read to the end when that costs no more than a lookup per key (W),
 *   saving W − ⌈N/100⌉; otherwise each key is looked up, W + 1 requests in
 *   all, never more than the script's listing when W < ⌈N/100⌉;
 * - the org-wide assignment listing may waste its first page, so it is read
 *   only when the lookups saved at least that request;
 * - identifying the default workspace costs nothing unless a workspace whose
 *   membership the file manages holds every member (see `identifyDefault`),
 *   and a workspace holding every member costs one page of its listing
 *   instead of all of them.
 */
async function findWorkspaces(
  provider: Provider,
  keys: string[],
  firstPage: Promise<FirstPage<WorkspaceInfo> | undefined>,
  options: ObserveOptions,
): Promise<{ workspaceList: Array<WorkspaceInfo | undefined>; listed?: WorkspaceInfo[]; saved: number }> {
  const lookups = new Set(keys).size;
  const first = await firstPage;
  if (first && first.pages <= Math.max(1, lookups)) {
    options.explain?.(`workspaces: one listing, ${plural(first.pages, 'request')} for ${plural(lookups, 'workspace key')}`);
    const listed = await first.readAll();
    const byId = new Map(listed.map((w) => [w.id.toLowerCase(), w]));
    const bySlug = new Map(listed.map((w) => [w.slug, w]));
    return { workspaceList: keys.map((key) => byId.get(key) ?? bySlug.get(key)), listed, saved: lookups - first.pages };
  }
  if (first) options.explain?.(`workspaces: one lookup per key; the listing would take ${plural(first.pages, 'request')}`);
  return { workspaceList: await Promise.all(keys.map((key) => provider.getWorkspace(key))), saved: -1 };
}

interface MembersRead {
  userIds: Set<string>;
  /** The workspace holds every organization member, as the default workspace does. */
  everyone: boolean;
  /** Not read: the file leaves this workspace's membership unmanaged. */
  unread?: true;
}

/**
 * A workspace's members. A workspace holds only organization members, so
 * one whose listing counts as many as the organization holds all of them:
 * the organization's list, already read, is its membership, and the rest of
 * its pages are not read. That is always so of the default workspace.
 */
async function readMembers(provider: Provider, workspace: WorkspaceInfo, orgMemberList: Promise<OrgMember[]>): Promise<MembersRead> {
  const [first, orgMembers] = await Promise.all([provider.firstPageOfWorkspaceMembers(workspace.id), orgMemberList]);
  if (first.totalCount >= orgMembers.length) return { userIds: new Set(orgMembers.map((m) => m.userId)), everyone: true };
  return { userIds: new Set(await first.readAll()), everyone: false };
}

/**
 * A workspace's listing should hold only its own guardrails; any other (of
 * another workspace, or legacy) is dropped, so that nothing is ever written
 * to it on this workspace's behalf.
 */
function ownGuardrails(workspace: WorkspaceInfo, listed: GuardrailInfo[], warnings: string[]): GuardrailInfo[] {
  return listed.filter((guardrail) => {
    if (guardrail.workspaceId === workspace.id) return true;
    warnings.push(
      `the guardrail listing of workspace ${workspace.slug} carried guardrail ${guardrail.name} (${guardrail.id}), which belongs to ` +
        `${guardrail.workspaceId ? `workspace ${guardrail.workspaceId}` : 'no workspace'}; it was left out of this workspace`,
    );
    return false;
  });
}

/**
 * Which read workspace is the organization's default one: no field says so
 * (api.md). Evidence, in order, each step taken only when the earlier ones
 * leave a doubt that matters:
 *
 * 1. The default workspace lists every organization member, so a workspace
 *    whose listing counts fewer is not it. Free: the listings are read anyway.
 * 2. `GET /guardrails` without `workspace_id` answers the default
 *    workspace's guardrails only: their `workspace_id` names it.
 * 3. `GET /keys` without `workspace_id` likewise (its default guardrail is
 *    not listed until configured, so the first may be empty).
 * 4. No listing names exactly one workspace: each workspace step 1 could not
 *    rule out is treated as the default one, unproven. Its membership is
 *    never written; a file that manages it gets an error, never a guess.
 *
 * Steps 2 and 3 (`namedDefault`) cost one request each and are asked only
 * when a workspace the file manages the membership of holds every member,
 * so a plan pays for detection only where a wrong guess could write to the
 * default workspace. When they name the default, that answer decides for
 * every workspace.
 */
function identifyDefault(workspaces: WorkspaceInfo[], members: MembersRead[], namedDefault: string | undefined): Map<string, Defaultness> {
  if (namedDefault !== undefined) return new Map(workspaces.map((w) => [w.id, { isDefault: w.id === namedDefault }]));
  return new Map(
    workspaces.map((w, i) => [w.id, members[i]!.everyone ? { isDefault: true, defaultUnproven: true } : { isDefault: false }]),
  );
}

/** Steps 2 and 3 of `identifyDefault`: the one workspace the default-workspace listings name, if they name exactly one. */
async function defaultWorkspaceNamedByListings(provider: Provider, options: ObserveOptions): Promise<string | undefined> {
  for (const listing of ['guardrails', 'keys'] as const) {
    const ids = new Set(await provider.defaultWorkspaceEvidence(listing));
    const [named] = ids;
    if (ids.size === 1 && named !== undefined) {
      options.explain?.(`default workspace: ${named}, named by the ${listing} listing without workspace_id`);
      return named;
    }
    if (ids.size > 1) options.explain?.(`default workspace: the ${listing} listing without workspace_id names ${ids.size} workspaces; not used`);
  }
  return undefined;
}

/** An org-wide listing is only a shortcut: when the API refuses it, the per-guardrail listings still tell everything. */
async function orgWideOrUndefined<T>(read: () => Promise<FirstPage<T>>, what: string, options: ObserveOptions): Promise<FirstPage<T> | undefined> {
  try {
    return await read();
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    options.explain?.(`${what}: the org-wide listing was refused (${error.status}); reading them per guardrail`);
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
 * T is known before a first page; the org-wide first page is read with the
 * guardrail listings, when the workspace lookups saved a request to pay for
 * it, so T is known once the guardrails are.
 *
 * Rule: read the org-wide listing to the end when O ≤ G; otherwise read per
 * guardrail. When O ≤ G the org-wide listing costs O ≤ G ≤ P requests in
 * total, its first page included: never more than per guardrail. Otherwise
 * the run costs P + 1, the one first page read to decide, which the
 * workspace lookups paid for. The bound G is the best one available
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

/**
 * The keys of the workspaces in `readsKeys` and where each is assigned. A
 * key holds at most one guardrail, one of its workspace's, so the
 * assignments of a workspace's guardrails tell where each of its keys is; a
 * key on none of them is under the default guardrail.
 */
async function readKeys(
  provider: Provider,
  workspaces: WorkspaceInfo[],
  guardrailLists: GuardrailInfo[][],
  assignable: (lists: GuardrailInfo[][]) => GuardrailInfo[],
  readsKeys: Set<string>,
  mayTryOrgWide: boolean,
  options: ObserveOptions,
): Promise<Array<KeysRead | undefined>> {
  const guardrails = assignable(workspaces.flatMap((w, i) => (readsKeys.has(w.id) ? [guardrailLists[i]!] : [])));
  const [keyLists, assignments] = await Promise.all([
    Promise.all(workspaces.map((w) => (readsKeys.has(w.id) ? provider.listKeys(w.id) : undefined))),
    readKeyAssignments(provider, guardrails, mayTryOrgWide, options),
  ]);
  return workspaces.map((_, i) => {
    const keys = keyLists[i];
    if (!keys) return undefined;
    const own = new Map(guardrailLists[i]!.map((g) => [g.id, assignments.get(g.id) ?? new Set<string>()]));
    return { byHash: new Map(keys.map((key) => [key.hash, key])), assignments: own };
  });
}

/**
 * Key assignments of the given guardrails, from whichever listing needs
 * fewer requests, by the rule of `readAssignments`: per guardrail costs at
 * least G requests, the organization-wide listing ⌈T/100⌉ for its T rows,
 * known from its first page. When the workspace lookups saved the request
 * that first page may waste, and with two guardrails or more, it is read
 * alongside the keys, and the whole listing when it costs no more than G;
 * otherwise the run costs that one request more than per guardrail.
 */
async function readKeyAssignments(
  provider: Provider,
  guardrails: GuardrailInfo[],
  mayTryOrgWide: boolean,
  options: ObserveOptions,
): Promise<Map<string, Set<string>>> {
  const byGuardrail = new Map(guardrails.map((g) => [g.id, new Set<string>()]));
  const first = mayTryOrgWide && guardrails.length >= 2 ? await orgWideOrUndefined(() => provider.firstPageOfAllKeyAssignments(), 'key assignments', options) : undefined;
  if (first && first.pages <= guardrails.length) {
    options.explain?.(`key assignments: one org-wide listing, ${plural(first.pages, 'request')}; one per guardrail would take at least ${plural(guardrails.length, 'request')}`);
    for (const { keyHash, guardrailId } of await first.readAll()) byGuardrail.get(guardrailId)?.add(keyHash);
    return byGuardrail;
  }
  const lists = await Promise.all(guardrails.map((g) => provider.listKeyAssignments(g.id)));
  guardrails.forEach((g, i) => byGuardrail.set(g.id, new Set(lists[i]!.map((row) => row.keyHash))));
  return byGuardrail;
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/**
 * The keys of every workspace of the organization whose keys `observed`
 * does not hold, as `Observed.keysElsewhere`: the workspaces holding each
 * hash and each name.
 */
export async function keysOfOtherWorkspaces(provider: Provider, observed: Observed): Promise<Map<string, string[]>> {
  const read = new Set([...observed.workspacesByKey.values()].flatMap((w) => (w?.keys ? [w.info.id] : [])));
  const others = (observed.allWorkspaces ?? (await provider.listWorkspaces())).filter((w) => !read.has(w.id));
  const keyLists = await Promise.all(others.map((w) => provider.listKeys(w.id)));
  const holders = new Map<string, string[]>();
  const add = (ref: string, slug: string) => {
    const slugs = holders.get(ref) ?? [];
    if (!slugs.includes(slug)) holders.set(ref, [...slugs, slug]);
  };
  others.forEach((workspace, i) => {
    for (const key of keyLists[i]!) {
      add(key.hash, workspace.slug);
      add(key.name, workspace.slug);
    }
  });
  return holders;
}
