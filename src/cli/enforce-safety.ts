import { listViolations, UnsafePlanError, type SafetyCheck } from '../plan/safety.js';
import { limitsCount } from './group-plan.js';
import type { Io } from './io.js';

/**
 * Acts on the verdict once the plan is shown: a refused plan stops the run
 * (exit 3); an overridden one goes on, and stderr — which CI logs keep
 * whatever happens to stdout — names every limit passed.
 */
export function enforceSafety(check: SafetyCheck, io: Io): void {
  if (check.result === 'refused') throw new UnsafePlanError(check.violations);
  if (check.result === 'overridden') {
    io.stderr(`gatesync: warning: --allow-destructive overrides ${limitsCount(check)}:\n${listViolations(check.violations)}`);
  }
}
