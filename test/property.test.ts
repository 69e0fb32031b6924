import { afterAll, describe, expect, it } from 'vitest';
import { apply } from '../src/apply/apply.js';
import { plan } from '../src/plan/plan.js';
import { MemoryProvider } from '../src/providers/memory-provider.js';
import { observe } from '../src/providers/observe.js';
import type { Desired } from '../src/model/desired.js';
import { randomDesired, randomOrg, rng } from './support/random-org.js';

const scopeOf = (desired: Desired) => ({ workspaces: desired.workspaces.map((w) => ({ key: w.info.slug, guardrailKeys: [] })) });

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

    const first = plan(desired, await observe(provider, scopeOf(desired)));
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
      const wantedAnywhere = new Set([...workspace.guardrails.values()].flatMap((g) => [...g.members.keys()]));
      const guardrailIds = Object.keys(after.assignments).filter((id) => id.startsWith(`g-${workspace.info.slug}-`));
      for (const guardrailId of guardrailIds) {
        const now = new Set(after.assignments[guardrailId]);
        const then = new Set(before.assignments[guardrailId]);
        const managed = workspace.guardrails.get(guardrailId);
        if (managed) {
          for (const userId of managed.members.keys()) expect(now.has(userId)).toBe(true);
          for (const userId of now) {
            const kept = then.has(userId) && (!managed.prune || workspace.protected.has(userId));
            expect(managed.members.has(userId) || kept).toBe(true);
          }
          for (const userId of then) {
            const keep = (workspace.protected.has(userId) || !managed.prune) && !wantedAnywhere.has(userId) && live.has(userId);
            if (keep) expect(now.has(userId), `${userId} kept on ${guardrailId}`).toBe(true);
          }
        } else {
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

    changesSeen += first.summary.total;
    const again = plan(desired, await observe(provider, scopeOf(desired)));
    expect(again.changes).toEqual([]);
  });
});
