/**
 * What changed between a saved plan and the same file planned again now:
 * the resources it read, member by member, and the changes themselves.
 * Empty when the saved plan is still exactly what apply would do.
 */
import type { Plan, PlannedResource } from '../model/plan.js';

/** A guardrail is two resources, its members and its keys: the type tells them apart. */
const identity = (resource: PlannedResource): string => `${resource.type}\u0000${resource.id}`;

export function planDrift(saved: Plan, fresh: Plan): string[] {
  const now = new Map(fresh.resources.map((resource) => [identity(resource), resource]));
  const then = new Set(saved.resources.map(identity));
  const drift: string[] = [];
  for (const resource of saved.resources) {
    const current = now.get(identity(resource));
    if (!current) {
      drift.push(`${resource.label}: no longer exists`);
      continue;
    }
    if (current.fingerprint === resource.fingerprint) continue;
    const before = new Set(resource.userIds);
    const after = new Set(current.userIds);
    const differ = resource.userIds.filter((id) => !after.has(id)).length + current.userIds.filter((id) => !before.has(id)).length;
    const noun = resource.type === 'guardrail-keys' ? 'key' : 'member';
    drift.push(`${resource.label}: ${differ} ${noun}${differ === 1 ? ' differs' : 's differ'}`);
  }
  for (const resource of fresh.resources) if (!then.has(identity(resource))) drift.push(`${resource.label}: new since the plan`);
  if (drift.length === 0 && JSON.stringify(saved.changes) !== JSON.stringify(fresh.changes)) drift.push('the planned changes differ');
  return drift;
}
