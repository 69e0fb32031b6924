/**
 * Validates the parsed YAML against `schemas/gatesync.schema.json` and turns
 * ajv's errors into one located diagnostic per problem (the wording is in
 * `schema-errors.ts`): a failed `oneOf` reports the branch whose type
 * matched, or, if none did, what the alternatives were; an unknown field
 * that is a typo of a missing required one is reported once.
 */
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { validate as compiledValidate } from './compiled-schema.js';
import { diagnostic } from './diagnostics.js';
import type { RawConfig } from './raw-config.js';
import { explainSchemaError, fieldChoice } from './schema-errors.js';
import { compareText } from '../model/compare-text.js';
import type { Diagnostic } from '../model/config.js';
import type { Locator } from './yaml-locations.js';

/** Compiled ahead of time (see `compiled-schema.ts`): loading a file neither loads ajv's compiler nor compiles the schema. */
const validate = compiledValidate as unknown as ValidateFunction<RawConfig>;

export interface SchemaOutcome {
  /** The value, typed, when it matches the schema. */
  config?: RawConfig;
  errors: Diagnostic[];
}

export function validateSchema(value: unknown, locator: Locator): SchemaOutcome {
  if (validate(value)) return { config: value, errors: [] };
  const relevant = collapseAlternatives(validate.errors ?? []).filter(
    // ajv reports a bad key twice: as `propertyNames` and as the inner error, which says more.
    (error) => error.keyword !== 'propertyNames',
  );
  const explained = relevant.map((error) => ({ error, ...explainSchemaError(error, locator) }));
  const suggestedFields = new Set(
    explained.filter((item) => item.suggested !== undefined).map((item) => `${item.error.instancePath}#${item.suggested}`),
  );
  const errors: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const item of explained) {
    // `memers:` is reported as unknown with "did you mean `members`?"; "missing `members`" would only repeat it.
    const missing = item.error.keyword === 'required' ? [String(item.error.params.missingProperty)] : (choiceOf(item.error) ?? []);
    if (missing.some((field) => suggestedFields.has(`${item.error.instancePath}#${field}`))) continue;
    const key = `${item.location.path}|${item.location.line}:${item.location.col}|${item.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    errors.push(diagnostic('error', item.location, item.message, item.hint));
  }
  return { errors };
}

/** The fields a failed `anyOf` asks for one of, when that is all it asks (see `fieldChoice`). */
function choiceOf(error: ErrorObject): string[] | undefined {
  return error.keyword === 'anyOf' ? fieldChoice(error.schema) : undefined;
}

/**
 * For each `oneOf`/`anyOf` failure (innermost first): when some branch has
 * the right type, its errors explain the problem and the "wrong type" errors
 * of the other branches are noise; when no branch has the right type, one
 * error listing the alternatives replaces them all. A failed choice of
 * fields is one error, not one "missing" per field.
 *
 * Errors are sorted by path so that those at or below a path are found by
 * binary search: a file can fail thousands of `oneOf`s at once.
 */
function collapseAlternatives(errors: readonly ErrorObject[]): ErrorObject[] {
  const byPath = [...errors].sort((a, b) => compareText(a.instancePath, b.instancePath));
  const dropped = new Set<ErrorObject>();
  const alternatives = errors
    .filter((error) => error.keyword === 'oneOf' || error.keyword === 'anyOf')
    .sort((a, b) => b.instancePath.length - a.instancePath.length);
  for (const alternative of alternatives) {
    const at = alternative.instancePath;
    if (choiceOf(alternative) !== undefined) {
      const branches = `${alternative.schemaPath}/`;
      for (let index = firstAtOrAfter(byPath, at); index < byPath.length && byPath[index]!.instancePath === at; index++) {
        const error = byPath[index]!;
        if (error.keyword === 'required' && error.schemaPath.startsWith(branches)) dropped.add(error);
      }
      continue;
    }
    let branchErrors = 0;
    const wrongType: ErrorObject[] = [];
    for (let index = firstAtOrAfter(byPath, at); index < byPath.length; index++) {
      const error = byPath[index]!;
      if (!error.instancePath.startsWith(at)) break;
      const atOrBelow = error.instancePath === at || error.instancePath.startsWith(`${at}/`);
      if (error === alternative || dropped.has(error) || !atOrBelow) continue;
      branchErrors += 1;
      if (error.instancePath === at && error.keyword === 'type') wrongType.push(error);
    }
    for (const error of wrongType) dropped.add(error);
    if (branchErrors > wrongType.length) dropped.add(alternative);
  }
  return errors.filter((error) => !dropped.has(error));
}

function firstAtOrAfter(sorted: readonly ErrorObject[], path: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareText(sorted[middle]!.instancePath, path) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}
