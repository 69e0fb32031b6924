/**
 * The engine: read → resolve → plan → check safety, as one call that the
 * CLI, the benchmark and library users share. It reads only what the file
 * manages, resolves the file's names against what it read, plans once, and
 * gives the verdict of the safety limits; it writes nothing and prints
 * nothing.
 */
import type { Config, Diagnostic } from '../model/config.js';
import type { Observed } from '../model/observed.js';
import type { Plan } from '../model/plan.js';
import { plan, removesMembers } from '../plan/plan.js';
import { checkSafety, type SafetyCheck } from '../plan/safety.js';
import { withScimWarnings } from '../plan/scim-warnings.js';
import { keysOfOtherWorkspaces, observe, startObserving, type StartedReads } from '../providers/observe.js';
import type { Provider } from '../providers/provider.js';
import { resolve, scopeOf } from '../resolution/resolve.js';

export interface PlanOptions {
  /** Over the safety limits, the verdict is `overridden` instead of `refused`. */
  allowDestructive?: boolean;
  /** Reports read decisions worth explaining (`--verbose`). */
  explain?: (message: string) => void;
  /** The reads every plan starts with, when they were started earlier (see `startReading`). */
  started?: StartedReads;
}

export type PlanOutcome =
  | { plan: Plan; observed: Observed; check: SafetyCheck; warnings: Diagnostic[] }
  | { plan?: undefined; observed: Observed; errors: Diagnostic[]; warnings: Diagnostic[] };

export async function planOrganization(config: Config, provider: Provider, options: PlanOptions = {}): Promise<PlanOutcome> {
  let observed = await observe(provider, scopeOf(config), { explain: options.explain, started: options.started });
  let resolved = resolve(config, observed);
  if (resolved.keysUnplaced) {
    // Only a file that fails anyway pays these reads: they let its error say which workspace a key belongs to.
    observed = { ...observed, keysElsewhere: await keysOfOtherWorkspaces(provider, observed) };
    resolved = resolve(config, observed);
  }
  if (!resolved.desired) return { observed, errors: resolved.errors, warnings: resolved.warnings };
  // The mappings matter only to removals: a plan that removes nobody pays no request for them. Read while the plan is made.
  const mappings = removesMembers(resolved.desired, observed) ? provider.scimMappings() : undefined;
  mappings?.catch(() => undefined);
  // The request leaves before the planner takes the thread (it is sent a few ticks after it is asked for).
  if (mappings) await new Promise((resolve) => setImmediate(resolve));
  const planned = plan(resolved.desired, observed);
  const final = withScimWarnings(planned, await mappings);
  return { plan: final, observed, check: checkSafety(final, config.safety, options.allowDestructive ?? false), warnings: resolved.warnings };
}

/**
 * Starts the reads every plan makes, whatever the file says (the
 * organization's members, the first page of the workspace listing), so that
 * they overlap loading the file; pass the result to `planOrganization`.
 */
export { startObserving as startReading };
