/**
 * Reads the live state of what a file manages, and nothing more: the
 * organization's members (to resolve emails), each listed workspace, its
 * members, its guardrails and their assignments. Workspaces the file does not
 * list are never read.
 */
import {
  isDefaultWorkspace,
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
  const [orgMemberList, workspaceList] = await Promise.all([
    provider.listOrgMembers(),
    Promise.all(scope.workspaces.map((w) => provider.getWorkspace(w.key))),
  ]);
  const orgMembers = new Map(orgMemberList.map((m) => [m.userId, m]));

  const unique = new Map<string, WorkspaceInfo>();
  for (const info of workspaceList) if (info) unique.set(info.id, info);
  const read = await Promise.all(
    [...unique.values()].map(async (info) => {
      const isDefault = isDefaultWorkspace(info);
      const [members, guardrails] = await Promise.all([
        isDefault ? [...orgMembers.keys()] : provider.listWorkspaceMembers(info.id),
        provider.listGuardrails(info.id),
      ]);
      return { info, isDefault, members: new Set(members), guardrailInfos: guardrails };
    }),
  );

  const assignments = await readAssignments(
    provider,
    read.flatMap((w) => w.guardrailInfos),
    read.reduce((sum, w) => sum + w.members.size, 0),
    options,
  );
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

/** Assignments of the given guardrails, listed guardrail by guardrail. */
async function readAssignments(
  provider: Provider,
  guardrails: GuardrailInfo[],
  _memberships: number,
  _options: ObserveOptions,
): Promise<Map<string, Set<string>>> {
  const lists = await Promise.all(guardrails.map((g) => provider.listGuardrailMembers(g.id)));
  return new Map(guardrails.map((g, i) => [g.id, new Set(lists[i])]));
}
