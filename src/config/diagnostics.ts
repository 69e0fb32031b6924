import type { Diagnostic, RelatedLocation, SourceLocation } from '../model/config.js';

/** Collects the errors and warnings of one stage, in the order they were found. */
export class Diagnostics {
  readonly errors: Diagnostic[] = [];
  readonly warnings: Diagnostic[] = [];

  error(location: SourceLocation, message: string, hint?: string, related?: RelatedLocation): void {
    const found = diagnostic('error', location, message, hint);
    this.errors.push(related === undefined ? found : { ...found, related });
  }

  warning(location: SourceLocation, message: string, hint?: string): void {
    this.warnings.push(diagnostic('warning', location, message, hint));
  }
}

export function diagnostic(
  severity: Diagnostic['severity'],
  location: SourceLocation,
  message: string,
  hint?: string,
): Diagnostic {
  return hint === undefined ? { severity, message, location } : { severity, message, hint, location };
}
