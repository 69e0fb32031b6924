import { describe, expect, it } from 'vitest';
import { planDrift } from '../src/plan/drift.js';
import { plan } from '../src/plan/plan.js';
import type { Change, Kept, Plan } from '../src/model/plan.js';
import { desiredOf, observedOf, type DesiredSpec, type OrgSpec } from './support/states.js';

const name = (id: string) => id.replace(/^g-[^-]+-/, '');
function compact(change: Change): string {
  switch (change.kind) {
    case 'add-member':
      return `add ${change.workspaceSlug} ${change.userId}`;
    case 'remove-member':
      return `remove ${change.workspaceSlug} ${change.userId}`;
    case 'assign':
      return `assign ${change.workspaceSlug}/${change.guardrailName} ${change.userId}`;
    case 'move':
      return `move ${change.workspaceSlug}/${name(change.fromGuardrailId)}->${change.guardrailName} ${change.userId}`;
    case 'unassign':
      return `unassign ${change.workspaceSlug}/${change.guardrailName} ${change.userId}`;
    case 'assign-key':
      return `assign-key ${change.workspaceSlug}/${change.guardrailName} ${change.keyName}`;
    case 'move-key':
      return `move-key ${change.workspaceSlug}/${name(change.fromGuardrailId)}->${change.guardrailName} ${change.keyName}`;
    case 'unassign-key':
      return `unassign-key ${change.workspaceSlug}/${change.guardrailName} ${change.keyName}`;
  }
}
const keptLine = (k: Kept) => `${k.reason} ${k.guardrailName ?? 'membership'} ${'keyHash' in k ? k.keyName : k.userId}`;
const planOf = (org: OrgSpec, desired: Record<string, DesiredSpec>): Plan => {
  const observed = observedOf(org);
  return plan(desiredOf(observed, desired), observed);
};
const users = ['u1', 'u2', 'u3', 'u4'];

describe('planner: workspace membership', () => {
  it.each<[string, OrgSpec, Record<string, DesiredSpec>, string[]]>([
    ['member listed, not in the workspace: add', { users, workspaces: { research: { members: [] } } }, { research: { members: ['u1'] } }, ['add research u1']],
    ['member in the workspace, not listed: remove', { users, workspaces: { research: { members: ['u1', 'u2'] } } }, { research: { members: ['u1'] } }, ['remove research u2']],
    ['members key absent: membership untouched', { users, workspaces: { research: { members: ['u1', 'u2'] } } }, { research: {} }, []],
    [
      'workspace not in the file: untouched',
      { users, workspaces: { research: { members: ['u1'] }, other: { members: ['u2'] } } },
      { research: { members: ['u1'] } },
      [],
    ],
    [
      'removed member on an unmanaged guardrail: unassign first, then remove',
      { users, workspaces: { research: { members: ['u1', 'u2'], guardrails: { C: ['u2'] } } } },
      { research: { members: ['u1'] } },
      ['unassign research/C u2', 'remove research u2'],
    ],
    [
      'removed member on a managed guardrail: unassign first, then remove',
      { users, workspaces: { research: { members: ['u1', 'u2'], guardrails: { A: ['u1', 'u2'] } } } },
      { research: { members: ['u1'], guardrails: { A: ['u1'] } } },
      ['unassign research/A u2', 'remove research u2'],
    ],
  ])('%s', (_, org, desired, expected) => {
    expect(planOf(org, desired).changes.map(compact)).toEqual(expected);
  });
});

describe('planner: guardrail assignments', () => {
  it.each<[string, OrgSpec, Record<string, DesiredSpec>, string[]]>([
    ['listed under A, no direct guardrail: assign A', { users, workspaces: { research: { members: ['u1'], guardrails: { A: [] } } } }, { research: { guardrails: { A: ['u1'] } } }, ['assign research/A u1']],
    ['listed under A, on managed B: move, no unassign', { users, workspaces: { research: { members: ['u1'], guardrails: { A: [], B: ['u1'] } } } }, { research: { guardrails: { A: ['u1'], B: [] } } }, ['move research/B->A u1']],
    ['listed under A, on unmanaged C: move naming C', { users, workspaces: { research: { members: ['u1'], guardrails: { A: [], C: ['u1'] } } } }, { research: { guardrails: { A: ['u1'] } } }, ['move research/C->A u1']],
    ['on managed A, listed under none: unassign A', { users, workspaces: { research: { members: ['u1'], guardrails: { A: ['u1'] } } } }, { research: { guardrails: { A: [] } } }, ['unassign research/A u1']],
    ['on unmanaged C, listed under none: untouched', { users, workspaces: { research: { members: ['u1'], guardrails: { A: [], C: ['u1'] } } } }, { research: { guardrails: { A: [] } } }, []],
    [
      'listed under A, added to the workspace in the same plan: add then assign',
      { users, workspaces: { research: { members: [], guardrails: { A: [] } } } },
      { research: { members: ['u1'], guardrails: { A: ['u1'] } } },
      ['add research u1', 'assign research/A u1'],
    ],
    [
      'same person in several workspaces: independent',
      { users, workspaces: { research: { members: ['u1'], guardrails: { A: [] } }, platform: { members: ['u1'], guardrails: { A: ['u1'] } } } },
      { research: { guardrails: { A: ['u1'] } }, platform: { guardrails: { A: [] } } },
      ['unassign platform/A u1', 'assign research/A u1'],
    ],
    ['default workspace: any org member can be assigned', { users, workspaces: { default: { guardrails: { A: [] } } } }, { default: { guardrails: { A: ['u3'] } } }, ['assign default/A u3']],
    ['already as desired: no changes', { users, workspaces: { research: { members: ['u1', 'u2'], guardrails: { A: ['u1'], B: ['u2'] } } } }, { research: { members: ['u1', 'u2'], guardrails: { A: ['u1'], B: ['u2'] } } }, []],
  ])('%s', (_, org, desired, expected) => {
    expect(planOf(org, desired).changes.map(compact)).toEqual(expected);
  });
});

describe('planner: hands-off rules', () => {
  it('keeps protected members and says so', () => {
    const result = planOf(
      { users, workspaces: { research: { members: ['u1', 'u2', 'u3'], guardrails: { A: ['u2'] } } } },
      { research: { members: ['u1'], protected: ['u2'], guardrails: { A: [] } } },
    );
    expect(result.changes.map(compact)).toEqual(['remove research u3']);
    expect(result.kept.map(keptLine)).toEqual([
      'protected membership u2',
      'protected A u2',
    ]);
  });

  it('prune: false adds and assigns only, listing the extra members as kept', () => {
    const result = planOf(
      { users, workspaces: { research: { members: ['u1', 'u2'], guardrails: { A: ['u2'] } } } },
      { research: { members: ['u1', 'u3'], prune: false, guardrails: { A: { members: ['u1'], prune: false } } } },
    );
    expect(result.changes.map(compact)).toEqual(['add research u3', 'assign research/A u1']);
    expect(result.kept.map(keptLine)).toEqual([
      'not-in-file membership u2',
      'not-in-file A u2',
    ]);
  });
});

describe('planner: output', () => {
  const org: OrgSpec = {
    users,
    workspaces: {
      research: { members: ['u1', 'u2'], guardrails: { A: ['u1'], B: ['u2'] } },
      platform: { members: ['u3'], guardrails: { A: [] } },
    },
  };
  const desired: Record<string, DesiredSpec> = {
    research: { members: ['u1', 'u3', 'u4'], guardrails: { A: ['u3', 'u4'], B: ['u1'] } },
    platform: { members: ['u3', 'u4'], guardrails: { A: ['u3'] } },
  };

  it('orders changes by workspace, then apply order, then guardrail and member', () => {
    expect(planOf(org, desired).changes.map(compact)).toEqual([
      'add platform u4',
      'assign platform/A u3',
      'add research u3',
      'add research u4',
      'assign research/A u3',
      'assign research/A u4',
      'move research/A->B u1',
      'unassign research/B u2',
      'remove research u2',
    ]);
  });

  it('is deterministic whatever order the state was read in, and counts every kind', () => {
    const first = planOf(org, desired);
    const reversed = (spec: OrgSpec): OrgSpec => ({
      users: [...spec.users].reverse(),
      workspaces: Object.fromEntries(
        Object.entries(spec.workspaces)
          .reverse()
          .map(([slug, w]) => [
            slug,
            {
              members: [...(w.members ?? [])].reverse(),
              guardrails: Object.fromEntries(Object.entries(w.guardrails ?? {}).reverse().map(([name, ids]) => [name, [...ids].reverse()])),
            },
          ]),
      ),
    });
    const reversedDesired = Object.fromEntries(
      Object.entries(desired)
        .reverse()
        .map(([slug, d]) => [slug, { ...d, members: [...(d.members ?? [])].reverse() }]),
    );
    const again = planOf(reversed(org), reversedDesired);
    expect(again.changes).toEqual(first.changes);
    expect(again.kept).toEqual(first.kept);
    expect(first.summary).toEqual({ add: 3, remove: 1, assign: 3, unassign: 1, move: 1, assignKeys: 0, unassignKeys: 0, moveKeys: 0, workspaces: 2, total: 9 });
  });

  it('records the group that brought a member in', () => {
    const result = planOf({ users, workspaces: { research: { members: [] } } }, { research: { members: ['u1'], via: { u1: 'ml-team' } } });
    expect(result.changes[0]).toMatchObject({ kind: 'add-member', userId: 'u1', via: 'ml-team', email: 'u1@corp.example' });
  });

  it('fingerprints every resource it read', () => {
    const result = planOf(org, desired);
    expect(result.resources.map((r) => `${r.type} ${r.id} ${r.userIds.join(',')}`)).toEqual([
      'workspace ws-research u1,u2',
      'guardrail g-research-A u1',
      'guardrail g-research-B u2',
      'guardrail g-research-default ',
      'workspace ws-platform u3',
      'guardrail g-platform-A ',
      'guardrail g-platform-default ',
    ]);
    expect(new Set(result.resources.map((r) => r.fingerprint)).size).toBe(5);
  });
});

describe('planDrift', () => {
  const org: OrgSpec = { users, workspaces: { research: { members: ['u1', 'u2'], guardrails: { A: ['u1'] } } } };
  const desired: Record<string, DesiredSpec> = { research: { members: ['u1'] } };

  it('is empty while the organization is unchanged', () => {
    expect(planDrift(planOf(org, desired), planOf(org, desired))).toEqual([]);
  });

  it('counts the members that differ per resource', () => {
    const changed: OrgSpec = { users, workspaces: { research: { members: ['u1', 'u3', 'u4'], guardrails: { A: ['u1'] } } } };
    expect(planDrift(planOf(org, desired), planOf(changed, desired))).toEqual(['workspace research: 3 members differ']);
  });

  it('notices a guardrail created since the plan', () => {
    const grown: OrgSpec = { users, workspaces: { research: { members: ['u1', 'u2'], guardrails: { A: ['u1'], B: ['u2'] } } } };
    expect(planDrift(planOf(org, desired), planOf(grown, desired))).toEqual(['guardrail B (workspace research): new since the plan']);
  });
});

describe('planner: guardrail key assignments', () => {
  const keysOrg = (keys: Record<string, string | null>): OrgSpec => ({
    users,
    workspaces: { research: { members: ['u1'], guardrails: { A: [], B: [], C: [] }, keys } },
  });
  it.each<[string, Record<string, string | null>, DesiredSpec, string[]]>([
    ['key listed under managed A, on no guardrail: assign A', { k1: null }, { guardrails: { A: { members: [], keys: ['k1'] } } }, ['assign-key research/A k1']],
    ['key listed under A, on managed B: one move', { k1: 'B' }, { guardrails: { A: { members: [], keys: ['k1'] }, B: { members: [], keys: [] } } }, ['move-key research/B->A k1']],
    ['key listed under A, on unmanaged C: one move naming C', { k1: 'C' }, { guardrails: { A: { members: [], keys: ['k1'] } } }, ['move-key research/C->A k1']],
    ['key on A, A lists keys without it: unassign', { k1: 'A', k2: 'A' }, { guardrails: { A: { members: [], keys: ['k2'] } } }, ['unassign-key research/A k1']],
    ['key on A, A lists every key it holds: nothing', { k1: 'A' }, { guardrails: { A: { members: [], keys: ['k1'] } } }, []],
    ['guardrail without `keys`: its keys untouched', { k1: 'A', k2: null }, { guardrails: { A: { members: [] } } }, []],
    ['key listed under A, on A, other keys elsewhere: untouched', { k1: 'A', k2: 'C' }, { guardrails: { A: { members: [], keys: ['k1'] } } }, []],
  ])('%s', (_name, keys, desired, expected) => {
    expect(planOf(keysOrg(keys), { research: desired }).changes.map(compact)).toEqual(expected);
  });

  it('a key moving from managed B is not also unassigned from B', () => {
    const result = planOf(keysOrg({ k1: 'B', k2: 'B' }), {
      research: { guardrails: { A: { members: [], keys: ['k1'] }, B: { members: [], keys: ['k2'] } } },
    });
    expect(result.changes.map(compact)).toEqual(['move-key research/B->A k1']);
  });

  it('prune: false and protected keys keep unlisted keys, listed as kept', () => {
    const result = planOf(keysOrg({ k1: 'A', k2: 'B', k3: 'B' }), {
      research: {
        protectedKeys: ['k1'],
        guardrails: { A: { members: [], keys: [] }, B: { members: [], keys: [], prune: false } },
      },
    });
    expect(result.changes).toEqual([]);
    expect(result.kept.map(keptLine)).toEqual(['protected A k1', 'not-in-file B k2', 'not-in-file B k3']);
  });

  it('key changes carry the key name and label, are summarized, and run after member assigns', () => {
    const result = planOf(
      { users, workspaces: { research: { members: ['u1'], guardrails: { A: [], B: ['u1'] }, keys: { k1: 'A', k2: null } } } },
      { research: { guardrails: { A: { members: ['u1'], keys: ['k2'] } } } },
    );
    expect(result.changes.map(compact)).toEqual(['move research/B->A u1', 'assign-key research/A k2', 'unassign-key research/A k1']);
    expect(result.changes[1]).toMatchObject({ keyHash: 'h-k2', keyName: 'k2', keyLabel: 'sk-…k2', guardrailId: 'g-research-A' });
    expect(result.summary).toMatchObject({ move: 1, assignKeys: 1, unassignKeys: 1, total: 3 });
  });

  it('the keys each guardrail held are resources, so a saved plan sees a key assignment change', () => {
    const before = planOf(keysOrg({ k1: 'A', k2: null }), { research: { guardrails: { A: { members: [], keys: ['k1'] } } } });
    const after = planOf(keysOrg({ k1: 'A', k2: 'A' }), { research: { guardrails: { A: { members: [], keys: ['k1'] } } } });
    expect(before.resources.find((r) => r.type === 'guardrail-keys' && r.id === 'g-research-A')?.userIds).toEqual(['h-k1']);
    expect(planDrift(before, after)).toEqual(['keys of guardrail A (workspace research): 1 key differs']);
  });
});

describe('planner: a guardrail named for its keys only', () => {
  const org = (guardrails: Record<string, string[]>, keys: Record<string, string | null> = {}): OrgSpec => ({
    users,
    workspaces: { research: { members: ['u1', 'u2', 'u3'], guardrails: { A: [], B: [], ...guardrails }, keys } },
  });
  it.each<[string, OrgSpec, DesiredSpec, string[]]>([
    [
      'its keys are reconciled, its members left alone',
      org({ A: ['u1', 'u2'] }, { k1: 'A', k2: null }),
      { members: ['u1', 'u2', 'u3'], guardrails: { A: { keys: ['k2'] } } },
      ['assign-key research/A k2', 'unassign-key research/A k1'],
    ],
    ['a member listed under B who holds A moves to B: one assign', org({ A: ['u1', 'u2'] }), { guardrails: { A: { keys: [] }, B: ['u1'] } }, ['move research/A->B u1']],
    [
      'a member leaving the workspace is unassigned from it first',
      org({ A: ['u1', 'u2'] }),
      { members: ['u1', 'u3'], guardrails: { A: { keys: [] } } },
      ['unassign research/A u2', 'remove research u2'],
    ],
    ['a member on it listed under no guardrail stays', org({ A: ['u1'], B: ['u2'] }), { guardrails: { A: { keys: [] }, B: [] } }, ['unassign research/B u2']],
  ])('%s', (_name, live, desired, expected) => {
    const result = planOf(live, { research: desired });
    expect(result.changes.map(compact)).toEqual(expected);
    // Leaving alone is not keeping: the plan lists no member of A as kept either.
    expect(result.kept).toEqual([]);
  });

  it('records its members as read but not managed, so safety weighs no unassign against it', () => {
    const result = planOf(org({ A: ['u1', 'u2'] }, { k1: 'A' }), { research: { guardrails: { A: { keys: ['k1'] } } } });
    expect(result.resources.filter((r) => r.id === 'g-research-A').map((r) => [r.type, r.managed, r.userIds.join(',')])).toEqual([
      ['guardrail', false, 'u1,u2'],
      ['guardrail-keys', true, 'h-k1'],
    ]);
  });
});
