/**
 * The JSON plan: what `plan --format json` prints and `plan --out` saves,
 * described by `schemas/gatesync-plan.schema.json`. `format_version` changes
 * whenever a field changes meaning or goes away. The file holds ids, emails
 * and names — never the management key.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import planSchema from '../../schemas/gatesync-plan.schema.json' with { type: 'json' };
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

/** Problems listed at most, so that a file of garbage gives a readable error. */
const MAX_PROBLEMS = 10;

let compiled: ValidateFunction<PlanFile> | undefined;

/** Compiled once, on first use: only `apply PLAN.json` needs it. */
function validator(): ValidateFunction<PlanFile> {
  compiled ??= new Ajv2020({ allErrors: true, verbose: true, strict: true, discriminator: true }).compile<PlanFile>(planSchema);
  return compiled;
}

/**
 * Reads a saved plan, which is untrusted input: it must match
 * `schemas/gatesync-plan.schema.json`. Throws an Error naming the file and
 * the JSON path of each problem when it does not.
 */
export function parsePlanFile(text: string, path: string): PlanFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}: not a JSON plan file (${(error as Error).message})`);
  }
  const version = typeof value === 'object' && value !== null ? (value as { format_version?: unknown }).format_version : undefined;
  if (version === undefined) throw new Error(`${path}: not a gatesync plan file (no format_version)`);
  if (version !== PLAN_FORMAT_VERSION) {
    throw new Error(`${path}: plan format_version ${JSON.stringify(version)} is not supported (this gatesync reads ${PLAN_FORMAT_VERSION}); run plan again`);
  }
  const validate = validator();
  if (validate(value)) return value;
  // The discriminator's error repeats the one `kind` itself gets.
  const problems = (validate.errors ?? []).filter((error) => error.keyword !== 'discriminator').map(describeProblem);
  const shown = problems.slice(0, MAX_PROBLEMS).map((problem) => `\n  ${problem}`).join('');
  const more = problems.length > MAX_PROBLEMS ? `\n  and ${problems.length - MAX_PROBLEMS} more` : '';
  throw new Error(`${path} is not a valid gatesync plan:${shown}${more}\nMake the plan again with \`gatesync plan --out ${path}\`; a saved plan is not to be edited.`);
}

/** `at /changes/3: missing field "kind"`. */
function describeProblem(error: ErrorObject): string {
  const at = `at ${error.instancePath || '/'}`;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `${at}: missing field ${JSON.stringify(params.missingProperty)}`;
    case 'additionalProperties':
      return `${at}: unknown field ${JSON.stringify(params.additionalProperty)}`;
    case 'unevaluatedProperties':
      return `${at}: unknown field ${JSON.stringify(params.unevaluatedProperty)}`;
    case 'type':
      return `${at}: expected ${String(params.type)}, got ${describeValue(error.data)}`;
    case 'enum':
      return `${at}: expected one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(error.data)}`;
    case 'const':
      return `${at}: expected ${JSON.stringify(params.allowedValue)}, got ${describeValue(error.data)}`;
    default:
      return `${at}: ${error.message ?? 'not valid'}${error.data === undefined ? '' : `, got ${describeValue(error.data)}`}`;
  }
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

export function planOf(file: PlanFile): Plan {
  return { changes: file.changes, kept: file.kept, resources: file.resources, summary: file.summary, warnings: file.warnings };
}
