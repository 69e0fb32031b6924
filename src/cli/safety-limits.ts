import { DEFAULT_SAFETY, type Config, type SafetyLimits } from '../config/types.js';

/** The file-wide limits (top-level `safety:`), which govern the plan's total removals. */
export function topLevelSafety(config: Config): SafetyLimits {
  return config.safety ?? DEFAULT_SAFETY;
}
