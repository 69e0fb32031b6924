/**
 * The path `plan`, `apply` and `demo` share: read the file, read the live
 * state it manages, resolve, plan once. Preview and apply differ only in
 * what they do with the Plan.
 */
import { declaringFiles } from '../config/declaring-files.js';
import type { Config } from '../model/config.js';
import type { Plan } from '../model/plan.js';
import { planOrganization, startReading } from '../engine/plan-organization.js';
import type { SafetyCheck } from '../plan/safety.js';
import type { RequestEvent } from '../providers/api-client.js';
import { HttpProvider } from '../providers/http-provider.js';
import { REDACTED } from '../providers/redact.js';
import type { Observed } from '../model/observed.js';
import type { StartedReads } from '../providers/observe.js';
import { apiKeySource } from './api-key.js';
import type { Args } from './args.js';
import { ConfigError, UsageError } from './errors.js';
import { printDiagnostics, type Io } from './io.js';

export const DEFAULT_BASE_URL = 'https://modelgates.ai/api/v1';

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

export interface Planned {
  plan: Plan;
  observed: Observed;
  check: SafetyCheck;
  /** Each workspace's slug → the file that declares it. */
  declaredIn: Record<string, string>;
}

/**
 * The file and its plan. The reads every plan makes (the organization's
 * members, the first page of the workspace listing) are requested before the
 * file is loaded, so the two overlap.
 */
export async function planFile(provider: HttpProvider, args: Args, io: Io): Promise<Planned & { config: Config }> {
  const started = startReading(provider);
  // The file's reader and its schema load while the first requests are out.
  const { loadConfig } = await import('./load-config.js');
  const config = await loadConfig(args, io);
  return { config, ...(await buildPlan(config, provider, args, io, started)) };
}

/** The engine's plan, its warnings printed; throws `ConfigError` when the file does not match the organization. */
export async function buildPlan(config: Config, provider: HttpProvider, args: Args, io: Io, started?: StartedReads): Promise<Planned> {
  const explain = args.verbose ? (message: string) => io.stderr(`[plan] ${message}\n`) : undefined;
  const outcome = await planOrganization(config, provider, { explain, started, allowDestructive: args.allowDestructive });
  // Diagnostics already name the file each one is about, as `-c` named it.
  printDiagnostics(io, outcome.warnings);
  if (!outcome.plan) throw new ConfigError(outcome.errors);
  return { plan: outcome.plan, observed: outcome.observed, check: outcome.check, declaredIn: declaringFiles(config, outcome.observed) };
}
