/**
 * The path `plan`, `apply` and `demo` share: read the file, read the live
 * state it manages, resolve, plan once. Preview and apply differ only in
 * what they do with the Plan.
 */
import { readFile } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import { formatDiagnostic } from '../config/format-diagnostic.js';
import { declaringFiles } from '../config/declaring-files.js';
import { configSources, readConfigSet } from '../config/load-set.js';
import { resolve, scopeOf } from '../config/resolve.js';
import type { Config, Diagnostic } from '../config/types.js';
import { plan } from '../plan/plan.js';
import { withScimWarnings } from '../plan/scim-warnings.js';
import type { Plan } from '../plan/types.js';
import { apiKeyProblem, type RequestEvent } from '../providers/api-client.js';
import { HttpProvider } from '../providers/http-provider.js';
import { REDACTED } from '../providers/redact.js';
import { observe, type Observed } from '../providers/observe.js';
import type { Args } from './args.js';
import { ConfigError, UsageError } from './errors.js';
import type { Io } from './io.js';

export const DEFAULT_BASE_URL = 'https://modelgates.ai/api/v1';

/** Why a key file could not be read, in words, by error code. */
const KEY_FILE_ERRORS: Record<string, string> = {
  ENOENT: 'there is no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a folder, not a file',
};

/**
 * The management key: `--api-key-file` first, then MODELGATES_API_KEY. Never
 * from the YAML file. A key too short or malformed to be real is refused
 * here, before anything is sent or masked with it.
 */
export async function readApiKey(args: Args, io: Io): Promise<string> {
  if (args.managementKey) return args.managementKey;
  const source = apiKeySource(args);
  let key: string | undefined;
  if (args.apiKeyFile) {
    const path = resolvePath(io.cwd, args.apiKeyFile);
    try {
      key = (await readFile(path, 'utf8')).trim();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      throw new UsageError(`cannot read ${source}: ${KEY_FILE_ERRORS[code] ?? code} (looked for ${path}); check the path, which is relative to the current folder`);
    }
    if (!key) throw new UsageError(`${source} is empty: put the management key in it`);
  } else {
    key = io.env.MODELGATES_API_KEY?.trim();
    if (!key) throw new UsageError('no management key: set MODELGATES_API_KEY or pass --api-key-file FILE');
  }
  const problem = apiKeyProblem(key);
  if (problem !== undefined) throw new UsageError(`the management key in ${source} is not usable: ${problem}; check ${source}`);
  return key;
}

function apiKeySource(args: Args): string {
  return args.apiKeyFile ? `--api-key-file ${args.apiKeyFile}` : 'MODELGATES_API_KEY';
}

export function connect(args: Args, io: Io, apiKey: string, baseUrl = io.env.MODELGATES_BASE_URL || DEFAULT_BASE_URL): HttpProvider {
  try {
    return new HttpProvider({
      baseUrl,
      apiKey,
      apiKeySource: apiKeySource(args),
      concurrency: args.concurrency,
      maxRetries: args.maxRetries,
      deadline: args.timeoutSeconds === undefined ? undefined : Date.now() + args.timeoutSeconds * 1000,
      onRequest: args.verbose ? (event) => io.stderr(requestLogLine(event)) : undefined,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function requestLogLine(event: RequestEvent): string {
  const retry = event.retryInMs === undefined ? '' : `, retrying in ${event.retryInMs} ms`;
  const detail = event.detail ? ` (${event.detail})` : '';
  return `[http] ${event.method} ${event.path} -> ${event.status}${detail} in ${event.durationMs} ms, attempt ${event.attempt}${retry}; authorization: Bearer ${REDACTED}\n`;
}

export function printDiagnostics(io: Io, diagnostics: Diagnostic[]): void {
  for (const diagnostic of diagnostics) io.stderr(formatDiagnostic(diagnostic) + '\n');
}

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

export interface Planned {
  plan: Plan;
  observed: Observed;
  /** Each workspace's slug → the file that declares it. */
  declaredIn: Record<string, string>;
}

/** Observes, resolves and plans; throws `ConfigError` when the file does not match the organization. */
export async function buildPlan(config: Config, provider: HttpProvider, args: Args, io: Io): Promise<Planned> {
  const explain = args.verbose ? (message: string) => io.stderr(`[plan] ${message}\n`) : undefined;
  const observed = await observe(provider, scopeOf(config), { explain });
  const resolved = resolve(config, observed);
  printDiagnostics(io, resolved.warnings);
  if (!resolved.desired) throw new ConfigError(resolved.errors);
  const planned = plan(resolved.desired, observed);
  // The mappings matter only to removals: a plan that removes nobody pays no request for them.
  const mappings = planned.summary.remove > 0 ? await provider.scimMappings() : undefined;
  return { plan: withScimWarnings(planned, mappings), observed, declaredIn: declaringFiles(config, observed) };
}
