/**
 * The JSON plan: what `plan --format json` prints and `plan --out` saves.
 * `format_version` changes whenever a field changes meaning or goes away.
 * The file holds ids, emails and names — never the management key.
 */
import type { SafetyLimits } from '../config/types.js';
import type { Plan } from '../plan/types.js';

export const PLAN_FORMAT_VERSION = 1;

export interface PlanFile {
  format_version: number;
  config: { file: string; sha256: string };
  /** Workspaces the plan was limited to (`--workspace`); empty means all of the file. */
  workspaces: string[];
  /** File-wide safety limits, checked again when the saved plan is applied. */
  safety: SafetyLimits;
  summary: Plan['summary'];
  changes: Plan['changes'];
  kept: Plan['kept'];
  resources: Plan['resources'];
  warnings: Plan['warnings'];
}

export function toPlanFile(
  plan: Plan,
  config: { file: string; hash: string },
  workspaces: string[],
  safety: SafetyLimits,
): PlanFile {
  return {
    format_version: PLAN_FORMAT_VERSION,
    config: { file: config.file, sha256: config.hash },
    workspaces,
    safety,
    summary: plan.summary,
    changes: plan.changes,
    kept: plan.kept,
    resources: plan.resources,
    warnings: plan.warnings,
  };
}

export function renderJson(file: PlanFile): string {
  return JSON.stringify(file, null, 2) + '\n';
}

/** Reads a saved plan; throws an Error with a plain message when it is not one. */
export function parsePlanFile(text: string, path: string): PlanFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}: not a JSON plan file (${(error as Error).message})`);
  }
  const file = value as Partial<PlanFile>;
  if (typeof file !== 'object' || file === null || file.format_version === undefined) {
    throw new Error(`${path}: not a gatesync plan file (no format_version)`);
  }
  if (file.format_version !== PLAN_FORMAT_VERSION) {
    throw new Error(`${path}: plan format_version ${file.format_version} is not supported (this gatesync reads ${PLAN_FORMAT_VERSION}); run plan again`);
  }
  if (!Array.isArray(file.changes) || !Array.isArray(file.resources) || !file.config || !file.summary || !file.safety) {
    throw new Error(`${path}: the plan file is incomplete`);
  }
  return { kept: [], workspaces: [], warnings: [], ...file } as PlanFile;
}

export function planOf(file: PlanFile): Plan {
  return { changes: file.changes, kept: file.kept, resources: file.resources, summary: file.summary, warnings: file.warnings };
}
