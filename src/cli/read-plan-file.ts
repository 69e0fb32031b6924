/**
 * Reading a saved plan back: untrusted input, checked against
 * `schemas/gatesync-plan.schema.json`. Apart from `plan-file.ts` so that
 * only `apply PLAN.json` loads the validator.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import planSchema from '../../schemas/gatesync-plan.schema.json' with { type: 'json' };
import { PLAN_FORMAT_VERSION, type PlanFile } from './plan-file.js';

/** Problems listed at most, so that a file of garbage gives a readable error. */
const MAX_PROBLEMS = 10;

let compiled: ValidateFunction<PlanFile> | undefined;

/** Compiled once, on first use. */
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
