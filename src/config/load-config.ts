import { createHash } from 'node:crypto';
import { buildConfig } from './build-config.js';
import { diagnostic } from './diagnostics.js';
import { MAX_REPORTED_DIAGNOSTICS } from './limits.js';
import { parseYaml } from './parse-yaml.js';
import { validateSchema } from './schema-validate.js';
import { checkSourceText, stripByteOrderMark } from './source-guards.js';
import { scanStructure } from './structure-scan.js';
import type { Diagnostic, LoadResult } from './types.js';
import { locationAtOffset } from './yaml-locations.js';

/**
 * Reads a gatesync file's text into a `Config`, offline: no network, no disk.
 *
 * Never throws. Every problem, including a bug in this loader, comes back as
 * a diagnostic with `file:line:col` and a JSON path, errors and warnings each
 * sorted by position. `config` is present exactly when there are no errors.
 * `file` is only used to label locations.
 *
 * Stages, each stopping at its errors: text checks (size, binary data),
 * a token scan (depth, list sizes), YAML parsing (syntax, duplicate keys,
 * aliases), the JSON Schema, then groups and cross-entry checks.
 */
export function loadConfig(text: string, file: string): LoadResult {
  try {
    const result = load(text, file);
    return {
      ...(result.config !== undefined ? { config: result.config } : {}),
      errors: capped(sortedByPosition(result.errors)),
      warnings: capped(sortedByPosition(result.warnings)),
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      errors: [
        diagnostic(
          'error',
          { file, line: 1, col: 1, path: '' },
          `internal error while loading the file: ${reason}`,
          'this is a bug in gatesync; please report it together with the file',
        ),
      ],
      warnings: [],
    };
  }
}

function load(text: string, file: string): LoadResult {
  const source = stripByteOrderMark(text);
  const problem = checkSourceText(source) ?? scanStructure(source);
  if (problem !== undefined) {
    return {
      errors: [diagnostic('error', locationAtOffset(file, source, problem.offset), problem.message, problem.hint)],
      warnings: [],
    };
  }
  const parsed = parseYaml(source, file);
  if (parsed.parsed === undefined) return { errors: parsed.errors, warnings: parsed.warnings };
  const { value, locator } = parsed.parsed;
  const checked = validateSchema(value, locator);
  if (checked.config === undefined) return { errors: checked.errors, warnings: parsed.warnings };
  const built = buildConfig(checked.config, locator, sha256(text));
  return { ...built, warnings: [...parsed.warnings, ...built.warnings] };
}

/** Of the text as given, byte order mark included: for a UTF-8 file, the sha256 of its bytes. */
function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function sortedByPosition(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => a.location.line - b.location.line || a.location.col - b.location.col);
}

/** A file with thousands of bad entries gets the first ones, and a count of the rest. */
function capped(diagnostics: Diagnostic[]): Diagnostic[] {
  if (diagnostics.length <= MAX_REPORTED_DIAGNOSTICS) return diagnostics;
  const shown = diagnostics.slice(0, MAX_REPORTED_DIAGNOSTICS);
  const next = diagnostics[MAX_REPORTED_DIAGNOSTICS]!;
  const more = diagnostics.length - MAX_REPORTED_DIAGNOSTICS;
  const summary = `${more.toLocaleString('en-US')} more ${next.severity}s like the ones above are not shown`;
  shown.push(diagnostic(next.severity, next.location, summary));
  return shown;
}
