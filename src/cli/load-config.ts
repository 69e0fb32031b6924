/** The offline half of every command: read the file, check it, print its warnings. Loads nothing of the network. */
import { resolve as resolvePath } from 'node:path';
import { formatDiagnostic } from '../config/format-diagnostic.js';
import { readConfig } from '../config/read-config.js';
import type { Config, Diagnostic } from '../model/config.js';
import { ConfigError, UsageError } from './errors.js';
import type { Args } from './args.js';
import type { Io } from './io.js';

export function printDiagnostics(io: Io, diagnostics: Diagnostic[]): void {
  for (const diagnostic of diagnostics) io.stderr(formatDiagnostic(diagnostic) + '\n');
}

/** Reads and checks the file offline; prints warnings; throws `ConfigError` on any error. */
export async function loadConfig(args: Args, io: Io): Promise<Config> {
  const result = await readConfig(resolvePath(io.cwd, args.config));
  const asWritten = inFile(args.config);
  printDiagnostics(io, result.warnings.map(asWritten));
  if (result.errors.length || !result.config) throw new ConfigError(result.errors.map(asWritten));
  return selectWorkspaces({ ...result.config, file: args.config }, args.workspaces);
}

/** Names the file in diagnostics as the user wrote it, not as resolved against the working directory. */
export function inFile(file: string): (diagnostic: Diagnostic) => Diagnostic {
  return (diagnostic) => ({ ...diagnostic, location: { ...diagnostic.location, file } });
}

/** `--workspace`: keeps only the named workspaces of the file. */
export function selectWorkspaces(config: Config, names: string[]): Config {
  if (names.length === 0) return config;
  const keys = new Set(config.workspaces.map((w) => w.key));
  const unknown = names.filter((name) => !keys.has(name));
  if (unknown.length) {
    throw new UsageError(`--workspace ${unknown.join(', ')}: not in ${config.file} (it lists ${[...keys].join(', ')})`);
  }
  return { ...config, workspaces: config.workspaces.filter((w) => names.includes(w.key)) };
}

