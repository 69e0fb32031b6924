/** The offline half of every command: read the files, check them, print their warnings. Loads nothing of the network. */
import { configSources, readConfigSet } from '../config/load-set.js';
import type { Config } from '../model/config.js';
import { ConfigError, UsageError } from './errors.js';
import type { Args } from './args.js';
import { printDiagnostics, type Io } from './io.js';

/**
 * Reads and checks the files `-c` names, offline; prints warnings; throws
 * `ConfigError` on any error. Diagnostics name each file as the user wrote
 * it (the `-c` argument, joined with the path under a folder).
 */
export async function loadConfig(args: Args, io: Io): Promise<Config> {
  const found = await configSources(args.config, io.cwd);
  if ('problem' in found) throw new UsageError(found.problem.message, false, found.problem.hint);
  const result = await readConfigSet(found.sources);
  printDiagnostics(io, result.warnings);
  if (result.errors.length || !result.config) throw new ConfigError(result.errors);
  return selectWorkspaces({ ...result.config, file: args.config.join(', ') }, args.workspaces);
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
