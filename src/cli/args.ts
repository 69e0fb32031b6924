import { parseArgs } from 'node:util';
import { DEFAULT_CONCURRENCY, DEFAULT_MAX_RETRIES } from '../providers/api-client.js';
import { DEFAULT_BATCH_SIZE } from '../apply/apply.js';
import { suggest } from '../config/suggest.js';
import { UsageError } from './errors.js';

export const DEFAULT_CONFIG = 'gatesync.yaml';

export const COMMANDS = ['validate', 'plan', 'apply', 'export', 'simulator', 'demo'] as const;
export type Command = (typeof COMMANDS)[number];

export interface Args {
  command: Command;
  positionals: string[];
  config: string;
  /** Whether `-c` was given (a saved plan otherwise names its own file). */
  configGiven: boolean;
  workspaces: string[];
  format: 'text' | 'json' | 'markdown';
  detailedExitcode: boolean;
  out?: string;
  output?: string;
  yes: boolean;
  allowDestructive: boolean;
  concurrency: number;
  batchSize: number;
  maxRetries: number;
  timeoutSeconds?: number;
  apiKeyFile?: string;
  /** The management key once read (from the environment or `--api-key-file`), so it is read once per run. */
  managementKey?: string;
  verbose: boolean;
  /** apply: read back every resource written to. */
  verify: boolean;
  port: number;
  state?: string;
  apiKey?: string;
  latencyMs: number;
  faultRate?: string;
  seed: number;
  maxBatch?: number;
}

export const USAGE = `gatesync — membership-as-code for the ModelGates management API

Usage:
  gatesync validate [-c FILE]
  gatesync plan     [-c FILE] [--format text|json|markdown] [--out PLAN.json] [--detailed-exitcode] [--workspace SLUG ...]
  gatesync apply    [PLAN.json] [-c FILE] [--yes] [--concurrency N] [--batch-size N] [--verify] [--workspace SLUG ...]
  gatesync export   [--workspace SLUG ...] [-o FILE]
  gatesync simulator [--port N] [--state FILE] [--api-key KEY] [--latency-ms N] [--fault-rate SPEC] [--seed N] [--max-batch N]
  gatesync demo

Options:
  -c, --config FILE        configuration file (default gatesync.yaml)
      --workspace SLUG     limit to this workspace of the file (repeatable)
      --format FORMAT      plan output: text (default), json or markdown
      --out FILE           plan: also save the JSON plan, for a later \`apply FILE\`
      --detailed-exitcode  plan: exit 0 when nothing changes, 2 when something would
      --yes                apply without asking (required when stdin is not a terminal)
      --allow-destructive  let a plan past the safety limits through, for this run
      --concurrency N      requests in flight at most (default ${DEFAULT_CONCURRENCY})
      --batch-size N       members per bulk call (default ${DEFAULT_BATCH_SIZE}; membership calls carry at most 100)
      --verify             apply: read back every resource written to, not only those whose answers prove nothing
      --max-retries N      retries of a failed request (default ${DEFAULT_MAX_RETRIES})
      --timeout SECONDS    give up the whole run after this long
      --api-key-file FILE  read the management key from FILE (else MODELGATES_API_KEY)
      --verbose            log every request (the key is never shown)
  -o, --output FILE        export: write the config here instead of stdout

Environment:
  MODELGATES_API_KEY       the management key
  MODELGATES_BASE_URL      API base URL (default https://modelgates.ai/api/v1)
  NO_COLOR                 no colour in the text plan

Exit codes: 0 success (plan --detailed-exitcode: no changes), 1 error, 2 changes present
(plan --detailed-exitcode), 3 plan refused as unsafe.
`;

export function parseCliArgs(argv: string[]): Args {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: 'string', short: 'c' },
        workspace: { type: 'string', multiple: true, default: [] },
        format: { type: 'string', default: 'text' },
        'detailed-exitcode': { type: 'boolean', default: false },
        out: { type: 'string' },
        output: { type: 'string', short: 'o' },
        yes: { type: 'boolean', short: 'y', default: false },
        'allow-destructive': { type: 'boolean', default: false },
        concurrency: { type: 'string' },
        'batch-size': { type: 'string' },
        'max-retries': { type: 'string' },
        timeout: { type: 'string' },
        'api-key-file': { type: 'string' },
        verbose: { type: 'boolean', short: 'v', default: false },
        verify: { type: 'boolean', default: false },
        port: { type: 'string' },
        state: { type: 'string' },
        'api-key': { type: 'string' },
        'latency-ms': { type: 'string' },
        'fault-rate': { type: 'string' },
        seed: { type: 'string' },
        'max-batch': { type: 'string' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message, true);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (command === undefined) throw new UsageError('', true);
  if (!(COMMANDS as readonly string[]).includes(command)) {
    const near = suggest(command, [...COMMANDS]);
    throw new UsageError(`unknown command ${JSON.stringify(command)}${near ? `; did you mean ${near}?` : ''}`, true);
  }
  if (!['text', 'json', 'markdown'].includes(values.format!)) {
    throw new UsageError(`--format must be text, json or markdown, not ${JSON.stringify(values.format)}`, true);
  }
  return {
    command: command as Command,
    positionals: rest,
    config: values.config ?? DEFAULT_CONFIG,
    configGiven: values.config !== undefined,
    workspaces: values.workspace!,
    format: values.format as Args['format'],
    detailedExitcode: values['detailed-exitcode']!,
    out: values.out,
    output: values.output,
    yes: values.yes!,
    allowDestructive: values['allow-destructive']!,
    concurrency: integer(values.concurrency, '--concurrency', DEFAULT_CONCURRENCY, 1),
    batchSize: integer(values['batch-size'], '--batch-size', DEFAULT_BATCH_SIZE, 1),
    maxRetries: integer(values['max-retries'], '--max-retries', DEFAULT_MAX_RETRIES, 0),
    timeoutSeconds: values.timeout === undefined ? undefined : integer(values.timeout, '--timeout', 0, 1),
    apiKeyFile: values['api-key-file'],
    verbose: values.verbose!,
    verify: values.verify!,
    port: integer(values.port, '--port', 0, 0),
    state: values.state,
    apiKey: values['api-key'],
    latencyMs: integer(values['latency-ms'], '--latency-ms', 0, 0),
    faultRate: values['fault-rate'],
    seed: integer(values.seed, '--seed', 1, 0),
    maxBatch: values['max-batch'] === undefined ? undefined : integer(values['max-batch'], '--max-batch', 0, 1),
  };
}

function integer(value: string | undefined, flag: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min) throw new UsageError(`${flag} must be a whole number of at least ${min}, not ${JSON.stringify(value)}`, true);
  return Number(value);
}
