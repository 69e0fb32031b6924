/**
 * Compact builders of observed and desired states for planner tests.
 * Users are ids like `u1`; their email is `u1@corp.example`.
 * Workspace `ws-SLUG`, guardrail `g-SLUG-NAME`, default guardrail `g-SLUG-default`.
 * Keys are names like `k1`; their hash is `h-k1`, their label `sk-…k1`.
 */
import { DEFAULT_SAFETY, type SafetyLimits } from '../../src/model/config.js';
import type { Desired, DesiredWorkspace, MemberSource } from '../../src/model/desired.js';
import type { Observed, ObservedWorkspace } from '../../src/model/observed.js';

export interface OrgSpec {
  users: string[];
  workspaces: Record<
    string,
    {
      members?: string[];
      guardrails?: Record<string, string[]>;
      /** The workspace's keys, each with the name of the guardrail it holds (null: none); unset: keys not read. */
      keys?: Record<string, string | null>;
    }
  >;
}

export const keyHash = (name: string): string => `h-${name}`;

export function observedOf(spec: OrgSpec): Observed {
  const orgMembers = new Map(
    spec.users.map((userId) => [userId, { userId, email: `${userId}@corp.example`, firstName: null, lastName: null, role: 'org:member' }]),
  );
  const workspacesByKey = new Map<string, ObservedWorkspace | undefined>();
  for (const [slug, w] of Object.entries(spec.workspaces)) {
    const isDefault = slug === 'default';
    const guardrails = new Map();
    const defaultId = `g-${slug}-default`;
    guardrails.set(defaultId, { info: { id: defaultId, name: 'Default', workspaceId: `ws-${slug}` }, members: new Set<string>() });
    for (const [name, members] of Object.entries(w.guardrails ?? {})) {
      const id = `g-${slug}-${name}`;
      guardrails.set(id, { info: { id, name, workspaceId: `ws-${slug}` }, members: new Set(members) });
    }
    const keys = w.keys && new Map(Object.keys(w.keys).map((name) => [keyHash(name), { hash: keyHash(name), name, label: `sk-…${name}`, workspaceId: `ws-${slug}` }]));
    if (w.keys) {
      for (const guardrail of guardrails.values()) guardrail.keys = new Set<string>();
      for (const [name, holder] of Object.entries(w.keys)) if (holder !== null) guardrails.get(`g-${slug}-${holder}`).keys.add(keyHash(name));
    }
    workspacesByKey.set(slug, {
      info: { id: `ws-${slug}`, slug, name: slug, defaultGuardrailId: defaultId },
      isDefault,
      members: new Set(isDefault ? spec.users : (w.members ?? [])),
      guardrails,
      ...(keys && { keys }),
    });
  }
  return { orgMembers, workspacesByKey, foreignGuardrails: new Map() };
}

export interface DesiredSpec {
  members?: string[];
  /** A list is the guardrail's members; the long form without `members` leaves its member assignments alone. */
  guardrails?: Record<string, string[] | { members?: string[]; keys?: string[]; prune?: boolean; allowEmpty?: boolean }>;
  prune?: boolean;
  protected?: string[];
  /** Key names. */
  protectedKeys?: string[];
  safety?: Partial<SafetyLimits>;
  via?: Record<string, string>;
}

export function desiredOf(observed: Observed, spec: Record<string, DesiredSpec>): Desired {
  const workspaces: DesiredWorkspace[] = Object.entries(spec).map(([slug, d]) => {
    const live = observed.workspacesByKey.get(slug)!;
    const sources = (ids: string[]) => new Map<string, MemberSource>(ids.map((id) => [id, d.via?.[id] ? { via: d.via[id] } : {}]));
    const guardrails = new Map(
      Object.entries(d.guardrails ?? {}).map(([name, g]) => {
        const { members, keys, prune = true, allowEmpty = false } = Array.isArray(g) ? { members: g, keys: undefined } : g;
        const info = live.guardrails.get(`g-${slug}-${name}`)!.info;
        return [info.id, { info, ...(members && { members: sources(members) }), ...(keys && { keys: new Set(keys.map(keyHash)) }), prune, allowEmpty }];
      }),
    );
    return {
      info: live.info,
      members: d.members && sources(d.members),
      prune: d.prune ?? true,
      allowEmpty: false,
      protected: new Set(d.protected ?? []),
      protectedKeys: new Set((d.protectedKeys ?? []).map(keyHash)),
      safety: { ...DEFAULT_SAFETY, ...d.safety },
      guardrails,
    };
  });
  return { workspaces };
}
