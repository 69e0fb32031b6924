/**
 * The JSON plan: what `plan --format json` prints and `plan --out` saves,
 * described by `schemas/gatesync-plan.schema.json`. `format_version` changes
 * whenever a field changes meaning or goes away. The file holds ids, emails
 * and names — never the management key. Reading one back is
 * `read-plan-file.ts`, which alone loads the schema validator.
 */
import type { ConfigFile, SafetyLimits } from '../model/config.js';
import type { SafetyCheck } from '../plan/safety.js';
import type { Plan } from '../model/plan.js';

export const PLAN_FORMAT_VERSION = 2;

export interface PlanFile {
  format_version: number;
  config: PlanConfig;
  /** Each workspace of the configuration, by slug → the file that declares it. Absent from plans saved by versions without it. */
  declared_in?: Record<string, string>;
  /** Workspaces the plan was limited to (`--workspace`); empty means all of the file. */
  workspaces: string[];
  /** File-wide safety limits, checked again when the saved plan is applied. */
  safety: SafetyLimits;
  /**
   * The verdict when the plan was made, with every limit passed. Informative:
   * apply gives its own. Absent from plans saved by versions without it.
   */
  safety_check?: SafetyCheck;
  summary: Plan['summary'];
  changes: Plan['changes'];
  kept: Plan['kept'];
  resources: Plan['resources'];
  warnings: Plan['warnings'];
}

/**
 * The configuration a plan was made from. `paths` and `files` are absent
 * from plans saved by versions that read one file only: `file` is then
 * that file, and `sha256` its hash.
 */
export interface PlanConfig {
  /** How the command line named the configuration, for messages. */
  file: string;
  /** `Config.hash`: of the file's bytes, or of every file's path and hash. */
  sha256: string;
  /** The `-c` arguments, read again when the plan is applied. */
  paths?: string[];
  /** Every file read, in merge order, with the sha256 of its bytes. */
  files?: ConfigFile[];
}

/** `config.paths`, `config.files` and `declared_in` are recorded when given (the CLI always gives them). */
export function toPlanFile(
  plan: Plan,
  config: { file: string; hash: string; files?: ConfigFile[]; paths?: string[] },
  workspaces: string[],
  safety: SafetyLimits,
  check: SafetyCheck,
  declaredIn?: Record<string, string>,
): PlanFile {
  return {
    format_version: PLAN_FORMAT_VERSION,
    config: {
      file: config.file,
      sha256: config.hash,
      ...(config.paths !== undefined && { paths: config.paths }),
      ...(config.files !== undefined && { files: config.files }),
    },
    ...(declaredIn !== undefined && { declared_in: declaredIn }),
    workspaces,
    safety,
    safety_check: check,
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

export function planOf(file: PlanFile): Plan {
  return { changes: file.changes, kept: file.kept, resources: file.resources, summary: file.summary, warnings: file.warnings };
}
