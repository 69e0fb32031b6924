import { describe, expect, it } from 'vitest';
import { DEFAULT_SAFETY } from '../src/model/config.js';
import { plan } from '../src/plan/plan.js';
import { assertSafe, safetyViolations, UnsafePlanError } from '../src/plan/safety.js';
import { desiredOf, observedOf, type DesiredSpec } from './support/states.js';

const users = Array.from({ length: 100 }, (_, i) => `u${i}`);
const planFor = (live: string[], wanted: string[], extra: Partial<DesiredSpec> = {}, guardrail?: { live: string[]; wanted: string[] }) => {
  const observed = observedOf({
    users,
    workspaces: { research: { members: live, guardrails: guardrail ? { A: guardrail.live } : {} } },
  });
  return plan(desiredOf(observed, { research: { members: wanted, ...(guardrail && { guardrails: { A: guardrail.wanted } }), ...extra } }), observed);
};

describe('assertSafe', () => {
  it('refuses removing 30 of 100 members, naming the resource, count, percentage and limit', () => {
    const p = planFor(users, users.slice(30));
    expect(() => assertSafe(p, DEFAULT_SAFETY)).toThrow(UnsafePlanError);
    const [violation] = safetyViolations(p, DEFAULT_SAFETY);
    expect(violation!.resource).toBe('workspace research');
    expect(violation!.message).toContain('removes 30 of 100 members (30.0%)');
    expect(violation!.message).toContain('25%');
  });

  it('lets 25 of 100 through, and small resources past the percentage', () => {
    expect(() => assertSafe(planFor(users, users.slice(25)), DEFAULT_SAFETY)).not.toThrow();
    expect(() => assertSafe(planFor(users.slice(0, 9), users.slice(0, 4)), DEFAULT_SAFETY)).not.toThrow();
  });

  it('honours a per-workspace override', () => {
    const p = planFor(users, users.slice(30), { safety: { maxRemovalPercent: 50 } });
    expect(() => assertSafe(p, DEFAULT_SAFETY)).not.toThrow();
  });

  it('counts unassigns against a guardrail', () => {
    const p = planFor(users, users, {}, { live: users.slice(0, 20), wanted: users.slice(0, 10) });
    expect(safetyViolations(p, DEFAULT_SAFETY).map((v) => v.resource)).toEqual(['guardrail A (workspace research)']);
  });

  it('refuses emptying a resource, even a small one', () => {
    const p = planFor(users.slice(0, 3), [], {}, undefined);
    expect(safetyViolations(p, DEFAULT_SAFETY).map((v) => v.message)).toEqual([expect.stringContaining('leaving it empty')]);
  });

  it('limits total removals with max_removals', () => {
    const p = planFor(users, users.slice(5));
    expect(() => assertSafe(p, { ...DEFAULT_SAFETY, maxRemovals: 4 })).toThrow(/5 removals and unassigns; the limit is max_removals 4/);
    expect(() => assertSafe(p, { ...DEFAULT_SAFETY, maxRemovals: 5 })).not.toThrow();
  });

  it('does not count moves as removals', () => {
    const observed = observedOf({ users, workspaces: { research: { members: users, guardrails: { A: users.slice(0, 50), B: [] } } } });
    const p = plan(desiredOf(observed, { research: { guardrails: { A: [], B: users.slice(0, 50) } } }), observed);
    expect(p.summary.move).toBe(50);
    expect(() => assertSafe(p, DEFAULT_SAFETY)).not.toThrow();
  });
});

describe('assertSafe across workspaces', () => {
  const twoWorkspaces = () => {
    const observed = observedOf({
      users,
      workspaces: {
        research: { members: users.slice(0, 20), guardrails: { C: ['u0'] } },
        platform: { members: users.slice(0, 20) },
        default: { guardrails: { A: users.slice(0, 3) } },
      },
    });
    return plan(
      desiredOf(observed, {
        research: { members: users.slice(1, 20) },
        platform: { members: users.slice(3, 20) },
        default: { guardrails: { A: ['u0'] }, safety: { maxRemovals: 1 } },
      }),
      observed,
    );
  };

  it('counts the file-wide max_removals over the whole plan', () => {
    const p = twoWorkspaces();
    expect(safetyViolations(p, { ...DEFAULT_SAFETY, maxRemovals: 6 }).map((v) => v.resource)).toEqual(['workspace default', 'the whole plan']);
  });

  it('applies a workspace max_removals to the default workspace too', () => {
    expect(safetyViolations(twoWorkspaces(), DEFAULT_SAFETY)).toEqual([
      { resource: 'workspace default', rule: 'max_removals', count: 2, limit: 1, message: '2 removals and unassigns; the limit is max_removals 1' },
    ]);
  });

  it('does not hold a guardrail the file does not manage to the emptying rule', () => {
    const p = twoWorkspaces();
    expect(p.changes.some((c) => c.kind === 'unassign' && c.guardrailName === 'C')).toBe(true);
    expect(safetyViolations(p, DEFAULT_SAFETY).some((v) => v.resource.includes('guardrail C'))).toBe(false);
  });
});

describe('a guardrail named for its keys only', () => {
  // Ten of the 40 members leave the workspace (25%, within its limit); all ten hold A, which they leave first.
  const planLeaving = (a: DesiredSpec['guardrails']) => {
    const observed = observedOf({ users, workspaces: { research: { members: users.slice(0, 40), guardrails: { A: users.slice(0, 10) }, keys: { k1: 'A' } } } });
    return plan(desiredOf(observed, { research: { members: users.slice(10, 40), guardrails: a } }), observed);
  };

  it('counts no unassign of its members against its share or emptying', () => {
    const p = planLeaving({ A: { keys: ['k1'] } });
    expect(p.summary).toMatchObject({ unassign: 10, remove: 10 });
    expect(safetyViolations(p, DEFAULT_SAFETY)).toEqual([]);
  });

  it('where the file manages its members, the same unassigns are over both limits', () => {
    const p = planLeaving({ A: { members: [], keys: ['k1'] } });
    expect(p.summary).toMatchObject({ unassign: 10, remove: 10 });
    expect(safetyViolations(p, DEFAULT_SAFETY).map((v) => `${v.resource} ${v.rule}`)).toEqual([
      'guardrail A (workspace research) max_removal_percent',
      'guardrail A (workspace research) allow_empty',
    ]);
  });

  it('still counts its unassigns in max_removals', () => {
    const p = planLeaving({ A: { keys: ['k1'] } });
    expect(() => assertSafe(p, { ...DEFAULT_SAFETY, maxRemovals: 19 })).toThrow(/20 removals and unassigns; the limit is max_removals 19/);
  });

  it('an empty key list that unassigns every key it holds needs allow_empty', () => {
    const emptied = planLeaving({ A: { keys: [] } });
    expect(safetyViolations(emptied, DEFAULT_SAFETY).map((v) => `${v.resource} ${v.rule}`)).toEqual(['keys of guardrail A (workspace research) allow_empty']);
    expect(safetyViolations(planLeaving({ A: { keys: [], allowEmpty: true } }), DEFAULT_SAFETY)).toEqual([]);
  });
});
