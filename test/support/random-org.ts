/** Seeded random organizations and desired states, for property tests. */
import { DEFAULT_SAFETY } from '../../src/model/config.js';
import type { Desired, DesiredGuardrail, DesiredWorkspace } from '../../src/model/desired.js';
import type { MemoryOrg } from '../../src/providers/memory-provider.js';

export { mulberry32 as rng } from '../../src/simulator/prng.js';

const pick = <T>(random: () => number, items: T[], p: number) => items.filter(() => random() < p);

export function randomOrg(random: () => number, users = 30, workspaces = 4, guardrails = 3): MemoryOrg {
  const userIds = Array.from({ length: users }, (_, i) => `user_${String(i).padStart(3, '0')}`);
  const org: MemoryOrg = {
    members: userIds.map((userId) => ({ userId, email: `${userId}@corp.example`, firstName: 'U', lastName: userId, role: 'org:member' })),
    workspaces: [],
    guardrails: [],
    keys: [],
    keyAssignments: [],
  };
  for (let w = 0; w < workspaces; w++) {
    const slug = w === 0 ? 'default' : `ws${w}`;
    const id = `00000000-0000-4000-8000-${String(w).padStart(12, '0')}`;
    const members = w === 0 ? [] : pick(random, userIds, 0.5);
    org.workspaces.push({ id, slug, name: slug, defaultGuardrailId: `g-${slug}-default`, members });
    org.guardrails.push({ id: `g-${slug}-default`, name: 'Default', workspaceId: id, members: [] });
    const pool = w === 0 ? userIds : members;
    const holder = new Map<string, number>();
    for (const userId of pool) if (random() < 0.6) holder.set(userId, Math.floor(random() * guardrails));
    for (let g = 0; g < guardrails; g++) {
      org.guardrails.push({
        id: `g-${slug}-${g}`,
        name: `guard ${g}`,
        workspaceId: id,
        members: [...holder].filter(([, held]) => held === g).map(([userId]) => userId),
      });
    }
    const keyCount = Math.floor(random() * 7);
    for (let k = 0; k < keyCount; k++) {
      const hash = `${slug}-key${k}`;
      org.keys!.push({ hash, name: `${slug} key ${k}`, label: `sk-…${k}`, workspaceId: id });
      if (random() < 0.6) org.keyAssignments!.push({ keyHash: hash, guardrailId: `g-${slug}-${Math.floor(random() * guardrails)}` });
    }
  }
  return org;
}

/** A random desired state over some of the org's workspaces and guardrails; always valid. */
export function randomDesired(random: () => number, org: MemoryOrg): Desired {
  const userIds = org.members.map((m) => m.userId);
  const workspaces: DesiredWorkspace[] = [];
  for (const workspace of org.workspaces) {
    if (random() < 0.25) continue;
    const isDefault = workspace.slug === 'default';
    const manageMembers = !isDefault && random() < 0.7;
    const members = manageMembers ? pick(random, userIds, 0.5) : undefined;
    const eligible = isDefault ? userIds : (members ?? workspace.members ?? []);
    const guardrails = org.guardrails.filter((g) => g.workspaceId === workspace.id && g.id !== workspace.defaultGuardrailId);
    const managed = guardrails.filter(() => random() < 0.6);
    const keyed = managed.filter(() => random() < 0.6);
    // Some guardrails that list keys are named for their keys only: their member assignments are left alone.
    const keysOnly = new Set(keyed.filter(() => random() < 0.3).map((g) => g.id));
    const listsMembers = managed.filter((g) => !keysOnly.has(g.id));
    const desiredGuardrails = new Map<string, DesiredGuardrail>(
      managed.map((g) => [g.id, { info: g, ...(!keysOnly.has(g.id) && { members: new Map() }), prune: random() < 0.8, allowEmpty: true }]),
    );
    for (const userId of eligible) {
      if (listsMembers.length === 0 || random() < 0.4) continue;
      const target = listsMembers[Math.floor(random() * listsMembers.length)]!;
      desiredGuardrails.get(target.id)!.members!.set(userId, {});
    }
    for (const guardrail of keyed) desiredGuardrails.get(guardrail.id)!.keys = new Set<string>();
    const keyHashes = (org.keys ?? []).filter((key) => key.workspaceId === workspace.id).map((key) => key.hash);
    for (const hash of keyHashes) {
      if (keyed.length === 0 || random() < 0.4) continue;
      desiredGuardrails.get(keyed[Math.floor(random() * keyed.length)]!.id)!.keys!.add(hash);
    }
    workspaces.push({
      info: workspace,
      members: members && new Map(members.map((userId) => [userId, {}])),
      prune: random() < 0.8,
      allowEmpty: true,
      protected: new Set(pick(random, userIds, 0.05)),
      protectedKeys: new Set(pick(random, keyHashes, 0.1)),
      safety: DEFAULT_SAFETY,
      guardrails: desiredGuardrails,
    });
  }
  return { workspaces };
}
