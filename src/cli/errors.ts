/**
 * The CLI's error vocabulary, caught once in `runCli`: a usage error, a
 * configuration error (with located diagnostics), an unsafe plan, an API or
 * transport error. Anything else is an internal bug.
 */
import type { Diagnostic } from '../model/config.js';

/**
 * A command line or environment the CLI cannot work with; `showUsage` when
 * the command itself is missing or unknown, `hint` for the way out.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';

  constructor(
    message: string,
    readonly showUsage = false,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(readonly diagnostics: Diagnostic[]) {
    super(`${diagnostics.length} error${diagnostics.length === 1 ? '' : 's'} in the configuration`);
  }
}

/** A saved plan that no longer matches the organization or the file. */
export class StalePlanError extends Error {
  override readonly name = 'StalePlanError';
}

export const EXIT = { ok: 0, error: 1, changes: 2, unsafe: 3 } as const;
