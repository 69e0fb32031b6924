/**
 * What changed between a saved plan and the same file planned again now:
 * the resources it read, member by member, and the changes themselves.
 * Empty when the saved plan is still exactly what apply would do.
 */
import type { Plan } from '../model/plan.js';

export function planDrift(saved: Plan, fresh: Plan): string[] {
  const now = new Map(fresh.resources.map((resource) => [resource.id, resource]));
  const then = new Set(saved.resources.map((resource) => resource.id));
  const drift: string[] = [];
  for (const resource of saved.resources) {
    const current = now.get(resource.id);
    if (!current) {
      drift.push(`${resource.label}: no longer exists`);
      continue;
    }
    if (current.fingerprint === resource.fingerprint) continue;
    const before = new Set(resource.userIds);
    const after = new Set(current.userIds);
    const differ = resource.userIds.filter((id) => !after.has(id)).length + current.userIds.filter((id) => !before.has(id)).length;
    drift.push(`${resource.label}: ${differ} member${differ === 1 ? ' differs' : 's differ'}`);
  }
  for (const resource of fresh.resources) if (!then.has(resource.id)) drift.push(`${resource.label}: new since the plan`);
  if (drift.length === 0 && JSON.stringify(saved.changes) !== JSON.stringify(fresh.changes)) drift.push('the planned changes differ');
  return drift;
}
