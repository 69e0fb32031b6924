import { createHash } from 'node:crypto';
import { parseBlockYaml } from './block-yaml.js';
import { buildConfig, type ParsedConfig } from './build-config.js';
import { diagnostic } from './diagnostics.js';
import { MAX_FULL_YAML_BYTES, MAX_REPORTED_DIAGNOSTICS } from './limits.js';
import { parseYaml } from './parse-yaml.js';
import { validateSchema } from './schema-validate.js';
import { checkSourceText, formatBytes, stripByteOrderMark, type SourceProblem } from './source-guards.js';
import { PLAIN_BLOCK_HINT, scanStructure } from './structure-scan.js';
import type { Diagnostic, LoadResult } from '../model/config.js';
import { locationAtOffset, type Locator } from './yaml-locations.js';

/**
 * Reads a gatesync file's text into a `Config`, offline: no network, no disk.
 *
 * Never throws. Every problem, including a bug in this loader, comes back as
 * a diagnostic with `file:line:col` and a JSON path, errors and warnings each
 * sorted by position. `config` is present exactly when there are no errors.
 * `file` is only used to label locations.
 *
 * Stages, each stopping at its errors: text checks (size, binary data),
 * YAML parsing (the plain block subset in one pass when the file keeps to
 * it; otherwise a token scan for depth and list sizes, then the yaml
 * package, which finds syntax errors, duplicate keys and alias bombs), the
 * JSON Schema, then groups and cross-entry checks.
 */
export function loadConfig(text: string, file: string): LoadResult {
  return guarded(file, () => {
    const { parsed, errors, warnings } = parse(text, file);
    if (parsed === undefined) return { errors, warnings };
    const built = buildConfig([parsed]);
    return { ...built, warnings: [...warnings, ...built.warnings] };
  });
}

export interface ParseResult {
  parsed?: ParsedConfig;
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

/**
 * The stages of `loadConfig` up to the JSON Schema: one file of a
 * configuration, not yet merged with the others (`buildConfig` does that).
 * Never throws; `parsed` is present exactly when there are no errors.
 */
export function parseConfig(text: string, file: string): ParseResult {
  return guarded(file, () => parse(text, file));
}

interface Lists {
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

/** Runs one stage; a bug in it comes back as an error at the file's first line, and diagnostics come sorted and capped. */
function guarded<T extends Lists>(file: string, stage: () => T): T | Lists {
  try {
    const result = stage();
    return { ...result, errors: capped(sortedByPosition(result.errors)), warnings: capped(sortedByPosition(result.warnings)) };
  } catch (error) {
    return { errors: [internalError(file, error)], warnings: [] };
  }
}

/** A bug in the loader, reported as an error of the file it was loading rather than thrown. */
export function internalError(file: string, error: unknown): Diagnostic {
  const reason = error instanceof Error ? error.message : String(error);
  return diagnostic(
    'error',
    { file, line: 1, col: 1, path: '' },
    `internal error while loading the file: ${reason}`,
    'this is a bug in gatesync; please report it together with the file',
  );
}

function parse(text: string, file: string): ParseResult {
  const source = stripByteOrderMark(text);
  const textProblem = checkSourceText(source);
  if (textProblem !== undefined) return problemAt(file, source, textProblem);
  let parsed: { value: unknown; locator: Locator; warnings: Diagnostic[] } | undefined;
  const block = parseBlockYaml(source, file);
  if ('problem' in block) return problemAt(file, source, block.problem);
  if ('value' in block) {
    parsed = { ...block, warnings: [] };
  } else {
    const bytes = Buffer.byteLength(source, 'utf8');
    if (bytes > MAX_FULL_YAML_BYTES) {
      return problemAt(file, source, block.declined.problem ?? {
        offset: block.declined.offset,
        message: `the file is ${formatBytes(bytes)}, and here it uses ${block.declined.reason}, which only files up to ${formatBytes(MAX_FULL_YAML_BYTES)} may`,
        hint: PLAIN_BLOCK_HINT,
      });
    }
    const structureProblem = scanStructure(source);
    if (structureProblem !== undefined) return problemAt(file, source, structureProblem);
    const outcome = parseYaml(source, file);
    if (outcome.parsed === undefined) return { errors: outcome.errors, warnings: outcome.warnings };
    parsed = { ...outcome.parsed, warnings: outcome.warnings };
  }
  const checked = validateSchema(parsed.value, parsed.locator);
  if (checked.config === undefined) return { errors: checked.errors, warnings: parsed.warnings };
  return { parsed: { raw: checked.config, locator: parsed.locator, hash: sha256(text) }, errors: [], warnings: parsed.warnings };
}

/** The result of a load stopped by a problem found in the text, before anything was parsed. */
export function problemAt(file: string, source: string, problem: SourceProblem): Lists {
  return { errors: [diagnostic('error', locationAtOffset(file, source, problem.offset), problem.message, problem.hint)], warnings: [] };
}

/** Of the text as given, byte order mark included: for a UTF-8 file, the sha256 of its bytes. */
function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function sortedByPosition(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => a.location.line - b.location.line || a.location.col - b.location.col);
}

/** A file with thousands of bad entries gets the first ones, and a count of the rest. */
export function capped(diagnostics: Diagnostic[]): Diagnostic[] {
  if (diagnostics.length <= MAX_REPORTED_DIAGNOSTICS) return diagnostics;
  const shown = diagnostics.slice(0, MAX_REPORTED_DIAGNOSTICS);
  const next = diagnostics[MAX_REPORTED_DIAGNOSTICS]!;
  const more = diagnostics.length - MAX_REPORTED_DIAGNOSTICS;
  const summary = `${more.toLocaleString('en-US')} more ${next.severity}s like the ones above are not shown`;
  shown.push(diagnostic(next.severity, next.location, summary));
  return shown;
}
