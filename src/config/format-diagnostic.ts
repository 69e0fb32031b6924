import type { Diagnostic } from '../model/config.js';

/**
 * One diagnostic as compilers print them, so editors and CI annotate the line:
 * `FILE:LINE:COL: error: message (at /json/path)`, then `  hint: …` on a
 * second line when there is a hint. The path is left out for problems of
 * the file as a whole.
 */
export function formatDiagnostic(diagnostic: Diagnostic): string {
  const { file, line, col, path } = diagnostic.location;
  const at = path === '' ? '' : ` (at ${path})`;
  const hint = diagnostic.hint === undefined ? '' : `\n  hint: ${diagnostic.hint}`;
  return `${file}:${line}:${col}: ${diagnostic.severity}: ${diagnostic.message}${at}${hint}`;
}
