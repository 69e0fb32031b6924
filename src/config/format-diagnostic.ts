import type { Diagnostic, SourceLocation } from '../model/config.js';

/**
 * One diagnostic as compilers print them, so editors and CI annotate the line:
 * `FILE:LINE:COL: error: message (at /json/path)`, then `  hint: …` on a
 * second line when there is a hint, and `  FILE:LINE:COL: note: …` for the
 * other place a conflict involves. The path is left out for problems of
 * the file as a whole.
 */
export function formatDiagnostic(diagnostic: Diagnostic): string {
  const { related } = diagnostic;
  const hint = diagnostic.hint === undefined ? '' : `\n  hint: ${diagnostic.hint}`;
  const note = related === undefined ? '' : `\n  ${place(related.location)}: note: ${related.message}`;
  return `${place(diagnostic.location)}: ${diagnostic.severity}: ${diagnostic.message}${at(diagnostic.location)}${hint}${note}`;
}

/** `FILE:LINE:COL`, as a conflict's message names its other side. */
export function place(location: SourceLocation): string {
  return `${location.file}:${location.line}:${location.col}`;
}

function at(location: SourceLocation): string {
  return location.path === '' ? '' : ` (at ${location.path})`;
}
