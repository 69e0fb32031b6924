import { afterAll, describe, expect, it } from 'vitest';
import { apply } from '../src/apply/apply.js';
import { plan, removesMembers } from '../src/plan/plan.js';
import { MemoryProvider } from '../src/providers/memory-provider.js';
import { observe } from '../src/providers/observe.js';
import type { Desired } from '../src/model/desired.js';
import { randomDesired, randomOrg, rng } from './support/random-org.js';

const scopeOf = (desired: Desired) => ({
  workspaces: desired.workspaces.map((w) => ({
    key: w.info.slug,
    guardrailKeys: [],
    readsKeys: [...w.guardrails.values()].some((g) => g.keys !== undefined),
  })),
});

let changesSeen = 0;

describe('property: apply(plan(desired, observed)) reaches desired and nothing else', () => {
  afterAll(() => {
    // The random states must exercise the planner, not agree by chance.
    expect(changesSeen).toBeGreaterThan(1000);
  });

  it.each(Array.from({ length: 150 }, (_, i) => i + 1))('seed %i', async (seed) => {
    const random = rng(seed);
    const org = randomOrg(random, 25 + (seed % 20), 3 + (seed % 3), 2 + (seed % 3));
    const desired = randomDesired(random, org);
    const provider = new MemoryProvider(org);
    const before = provider.snapshot();
    const keysBefore = provider.keySnapshot();

    const observed = await observe(provider, scopeOf(desired));
    const first = plan(desired, observed);
    // Known before planning, so that the SCIM mappings are read while the plan is made: it must agree with the plan.
    expect(removesMembers(desired, observed)).toBe(first.summary.remove > 0);
    const result = await apply(first, provider, { concurrency: 4, batchSize: 1 + (seed % 7) });
    expect(result.ok).toBe(true);
    expect(provider.violations).toEqual([]);
    const after = provider.snapshot();
    // Nobody outside the default workspace holds a guardrail of a workspace they are not a member of.
    for (const guardrail of org.guardrails) {
      const workspace = org.workspaces.find((w) => w.id === guardrail.workspaceId)!;
      if (workspace.slug === 'default') continue;
      for (const userId of after.assignments[guardrail.id] ?? []) expect(after.workspaceMembers[workspace.id]).toContain(userId);
    }

    const managedWorkspaces = new Set(desired.workspaces.map((w) => w.info.id));
    for (const [workspaceId, members] of Object.entries(before.workspaceMembers)) {
      if (!managedWorkspaces.has(workspaceId)) expect(after.workspaceMembers[workspaceId]).toEqual(members);
    }
    for (const workspace of desired.workspaces) {
      const live = new Set(after.workspaceMembers[workspace.info.id] ?? []);
      const was = new Set(before.workspaceMembers[workspace.info.id] ?? []);
      if (workspace.members) {
        for (const userId of workspace.members.keys()) expect(live.has(userId)).toBe(true);
        for (const userId of live) {
          const wanted = workspace.members.has(userId);
          const kept = was.has(userId) && (!workspace.prune || workspace.protected.has(userId));
          expect(wanted || kept, `${userId} in ${workspace.info.slug}`).toBe(true);
        }
        for (const userId of was) {
          if (workspace.protected.has(userId) || !workspace.prune) expect(live.has(userId), `${userId} kept`).toBe(true);
        }
      } else if (!workspace.info.slug.startsWith('default')) {
        expect([...live].sort()).toEqual([...was].sort());
      }
      const wantedAnywhere = new Set([...workspace.guardrails.values()].flatMap((g) => [...(g.members?.keys() ?? [])]));
      const guardrailIds = Object.keys(after.assignments).filter((id) => id.startsWith(`g-${workspace.info.slug}-`));
      for (const guardrailId of guardrailIds) {
        const now = new Set(after.assignments[guardrailId]);
        const then = new Set(before.assignments[guardrailId]);
        const managed = workspace.guardrails.get(guardrailId);
        const wanted = managed?.members;
        if (managed && wanted) {
          for (const userId of wanted.keys()) expect(now.has(userId)).toBe(true);
          for (const userId of now) {
            const kept = then.has(userId) && (!managed.prune || workspace.protected.has(userId));
            expect(wanted.has(userId) || kept).toBe(true);
          }
          for (const userId of then) {
            const keep = (workspace.protected.has(userId) || !managed.prune) && !wantedAnywhere.has(userId) && live.has(userId);
            if (keep) expect(now.has(userId), `${userId} kept on ${guardrailId}`).toBe(true);
          }
        } else {
          // Not named, or named for its keys only: members leave it only to move or to leave the workspace.
          for (const userId of now) expect(then.has(userId)).toBe(true);
          for (const userId of then) {
            const leftWorkspace = workspace.members !== undefined && !live.has(userId);
            expect(now.has(userId) || wantedAnywhere.has(userId) || leftWorkspace, `${userId} left ${guardrailId}`).toBe(true);
          }
        }
      }
    }
    for (const [guardrailId, members] of Object.entries(before.assignments)) {
      const workspaceSlug = guardrailId.split('-')[1]!;
      if (!desired.workspaces.some((w) => w.info.slug === workspaceSlug)) expect(after.assignments[guardrailId]).toEqual(members);
    }

    // Keys: a managed guardrail holds exactly its listed keys, plus unlisted ones it kept (protected, prune: false); other keys stay put.
    const keysAfter = provider.keySnapshot();
    const listedKeys = new Map<string, string>();
    for (const workspace of desired.workspaces) for (const [id, g] of workspace.guardrails) for (const hash of g.keys ?? []) listedKeys.set(hash, id);
    for (const hash of new Set([...Object.keys(keysBefore), ...Object.keys(keysAfter)])) {
      const listedOn = listedKeys.get(hash);
      if (listedOn) {
        expect(keysAfter[hash], `${hash} on ${listedOn}`).toBe(listedOn);
        continue;
      }
      const was = keysBefore[hash];
      const workspace = desired.workspaces.find((w) => was !== undefined && w.guardrails.has(was));
      const managed = was === undefined ? undefined : workspace?.guardrails.get(was);
      const keeps = !managed?.keys || !managed.prune || workspace!.protectedKeys!.has(hash);
      expect(keysAfter[hash], `${hash} from ${was}`).toBe(keeps ? was : undefined);
    }

    changesSeen += first.summary.total;
    const again = plan(desired, await observe(provider, scopeOf(desired)));
    expect(again.changes).toEqual([]);
  });
});
