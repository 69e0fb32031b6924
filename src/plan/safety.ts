/**
 * Safety belongs to the plan: `checkSafety` refuses a plan that would take
 * access away from many people at once, whatever produced it. It runs for
 * `plan` and for `apply`, so a refused plan is seen before anything is written;
 * a run that overrides the limits gets the same verdict, marked overridden,
 * so its output keeps the record.
 */
import type { SafetyLimits } from '../model/config.js';
import type { Plan, PlannedResource, ResourceType } from '../model/plan.js';
import { effectOf, RELATIONS } from '../model/relations.js';

/** A guardrail is two resources, its members and its keys, each with its own limits. */
const resourceKey = (type: ResourceType, id: string): string => `${type}\u0000${id}`;

/** The limit a violation passes, named as in the file. */
export type SafetyRule = 'max_removal_percent' | 'max_removals' | 'allow_empty';

export interface SafetyViolation {
  resource: string;
  rule: SafetyRule;
  /** Removals and unassigns counted against the limit. */
  count: number;
  /** The resource's current members, for the rules that weigh the count against them. */
  members?: number;
  /** A percentage for `max_removal_percent`, a count for `max_removals`; emptying has none. */
  limit?: number;
  message: string;
}

export interface SafetyCheck {
  /** `overridden`: over a limit, let through by `--allow-destructive`. */
  result: 'passed' | 'refused' | 'overridden';
  violations: SafetyViolation[];
}

/** The verdict on a plan within every limit. */
export const PASSED: SafetyCheck = { result: 'passed', violations: [] };

export class UnsafePlanError extends Error {
  override readonly name = 'UnsafePlanError';

  constructor(readonly violations: SafetyViolation[]) {
    super(
      `refusing an unsafe plan:\n${listViolations(violations)}` +
        'Check the file; if these removals are intended, run again with --allow-destructive.',
    );
  }
}

/** One `  - resource: message` line per violation. */
export function listViolations(violations: SafetyViolation[]): string {
  return violations.map((v) => `  - ${v.resource}: ${v.message}\n`).join('');
}

/** The verdict on a plan under `limits` (the file-wide ones; each resource carries its own). */
export function checkSafety(plan: Plan, limits: SafetyLimits, allowDestructive: boolean): SafetyCheck {
  const violations = safetyViolations(plan, limits);
  return { result: violations.length === 0 ? 'passed' : allowDestructive ? 'overridden' : 'refused', violations };
}

/** Throws `UnsafePlanError` naming every resource over a limit; `limits` holds the file-wide `max_removals`. */
export function assertSafe(plan: Plan, limits: SafetyLimits): void {
  const violations = safetyViolations(plan, limits);
  if (violations.length) throw new UnsafePlanError(violations);
}

interface Tally {
  removed: number;
  added: number;
}

export function safetyViolations(plan: Plan, limits: SafetyLimits): SafetyViolation[] {
  const tallies = new Map<string, Tally>();
  const tally = (id: string) => {
    let t = tallies.get(id);
    if (!t) tallies.set(id, (t = { removed: 0, added: 0 }));
    return t;
  };
  const removalsByWorkspace = new Map<string, number>();
  let removals = 0;
  for (const change of plan.changes) {
    // A move keeps its subject under a guardrail: it takes no access away, so it counts as an addition.
    const { relation, direction, containerId } = effectOf(change);
    const resource = resourceKey(RELATIONS[relation].resourceType, containerId);
    if (direction === 'add') {
      tally(resource).added++;
      continue;
    }
    tally(resource).removed++;
    removals++;
    removalsByWorkspace.set(change.workspaceId, (removalsByWorkspace.get(change.workspaceId) ?? 0) + 1);
  }

  const violations: SafetyViolation[] = [];
  // A resource the file does not manage loses members only with the workspace membership the file does manage, which is checked.
  for (const resource of plan.resources) {
    const t = tallies.get(resourceKey(resource.type, resource.id));
    if (t && resource.managed) violations.push(...resourceViolations(resource, t));
  }
  const workspaces = new Map(plan.resources.map((r) => [r.workspaceId, r]));
  for (const [workspaceId, { workspaceSlug, safety }] of workspaces) {
    const count = removalsByWorkspace.get(workspaceId) ?? 0;
    if (safety.maxRemovals !== undefined && count > safety.maxRemovals) {
      violations.push({
        resource: `workspace ${workspaceSlug}`,
        rule: 'max_removals',
        count,
        limit: safety.maxRemovals,
        message: `${count} removals and unassigns; the limit is max_removals ${safety.maxRemovals}`,
      });
    }
  }
  if (limits.maxRemovals !== undefined && removals > limits.maxRemovals) {
    violations.push({
      resource: 'the whole plan',
      rule: 'max_removals',
      count: removals,
      limit: limits.maxRemovals,
      message: `${removals} removals and unassigns; the limit is max_removals ${limits.maxRemovals}`,
    });
  }
  return violations;
}

function resourceViolations(resource: PlannedResource, t: Tally): SafetyViolation[] {
  const existing = resource.userIds.length;
  const { maxRemovalPercent, minExisting } = resource.safety;
  const violations: SafetyViolation[] = [];
  const percent = existing ? (t.removed / existing) * 100 : 0;
  const what = resource.type === 'workspace' ? 'removes' : 'unassigns';
  const held = resource.type === 'guardrail-keys' ? 'keys' : 'members';
  if (existing >= minExisting && percent > maxRemovalPercent) {
    violations.push({
      resource: resource.label,
      rule: 'max_removal_percent',
      count: t.removed,
      members: existing,
      limit: maxRemovalPercent,
      message: `${what} ${t.removed} of ${existing} ${held} (${percent.toFixed(1)}%); the limit is ${maxRemovalPercent}% (max_removal_percent) for resources with at least ${minExisting} ${held}`,
    });
  }
  if (existing > 0 && t.removed >= existing && t.added === 0 && !resource.allowEmpty) {
    violations.push({
      resource: resource.label,
      rule: 'allow_empty',
      count: t.removed,
      members: existing,
      message: `${what} all ${existing} ${held}, leaving it empty; set allow_empty: true on it if that is intended`,
    });
  }
  return violations;
}
