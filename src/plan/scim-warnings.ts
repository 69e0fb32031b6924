/**
 * SCIM group mappings add the members of identity-provider groups to
 * workspaces on every sync, so a member the plan removes from such a
 * workspace may come back. Pure: the mappings are read by the caller, and
 * only for a plan that removes someone.
 */
import type { ScimMappings } from '../model/org.js';
import type { Plan } from '../model/plan.js';

/** The plan with a warning per workspace it removes members from where SCIM may add them back; `mappings` unset: none. */
export function withScimWarnings(plan: Plan, mappings: ScimMappings | undefined): Plan {
  if (!mappings) return plan;
  const removals = new Map<string, { slug: string; count: number }>();
  for (const change of plan.changes) {
    if (change.kind !== 'remove-member') continue;
    const entry = removals.get(change.workspaceId) ?? { slug: change.workspaceSlug, count: 0 };
    entry.count++;
    removals.set(change.workspaceId, entry);
  }
  const warnings: string[] = [];
  for (const [workspaceId, { slug, count }] of removals) {
    const removed = `${count} member${count === 1 ? '' : 's'}`;
    if (mappings.workspaceIds.has(workspaceId)) {
      warnings.push(
        `workspace ${slug} has SCIM group mappings: the identity provider may add the ${removed} removed here back on its next sync; remove them from the mapped groups too`,
      );
    } else if (!mappings.complete) {
      warnings.push(
        `workspace ${slug} may have SCIM group mappings (the organization has more than one page of them, and only the first was read): the identity provider may add the ${removed} removed here back`,
      );
    }
  }
  return warnings.length ? { ...plan, warnings: [...plan.warnings, ...warnings] } : plan;
}
