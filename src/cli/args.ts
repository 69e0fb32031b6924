/**
 * The command line: one table of options, each naming the commands that take
 * it. A command accepts its own options only; any other is an error that
 * says which command it belongs to, with "did you mean" among the command's own.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DEFAULT_BATCH_SIZE } from '../model/relations.js';
import { DEFAULT_CONCURRENCY, DEFAULT_MAX_RETRIES } from '../providers/request-defaults.js';
import { suggest } from '../model/suggest.js';
import { UsageError } from './errors.js';

export const DEFAULT_CONFIG = 'gatesync.yaml';

export const COMMANDS = ['validate', 'plan', 'apply', 'export', 'schema', 'simulator', 'demo'] as const;
export type Command = (typeof COMMANDS)[number];

export interface CommandSpec {
  summary: string;
  /** The operands after the options in the usage line, e.g. `[PLAN.json]`. */
  operands: string;
  maxOperands: number;
}

export const COMMAND_SPECS: Record<Command, CommandSpec> = {
  validate: { summary: 'check the file offline (no key, no network)', operands: '', maxOperands: 0 },
  plan: { summary: 'show what apply would change', operands: '', maxOperands: 0 },
  apply: { summary: 'make the organization match the file, or apply a saved plan', operands: '[PLAN.json]', maxOperands: 1 },
  export: { summary: 'write a file that matches the live organization', operands: '', maxOperands: 0 },
  schema: { summary: "write the configuration file's JSON Schema", operands: '', maxOperands: 0 },
  simulator: { summary: 'serve the API simulator on loopback until stopped', operands: '', maxOperands: 0 },
  demo: { summary: 'plan, apply and plan again on the built-in simulator', operands: '', maxOperands: 0 },
};

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** The value's placeholder in help, for string options. */
  value?: string;
  help: string;
  commands: readonly Command[];
}

const READS_ORG = ['plan', 'apply', 'export'] as const satisfies readonly Command[];

export const OPTIONS = {
  config: {
    type: 'string',
    short: 'c',
    multiple: true,
    value: 'PATH',
    help: `configuration file, or folder of them (repeatable; default ${DEFAULT_CONFIG})`,
    commands: ['validate', 'plan', 'apply'],
  },
  workspace: { type: 'string', multiple: true, value: 'SLUG', help: 'limit to this workspace (repeatable)', commands: READS_ORG },
  format: { type: 'string', value: 'FORMAT', help: 'text (default), json or markdown', commands: ['plan'] },
  out: { type: 'string', value: 'FILE', help: 'also save the JSON plan, for a later `apply FILE`', commands: ['plan'] },
  'detailed-exitcode': { type: 'boolean', help: 'exit 0 when nothing changes, 2 when something would', commands: ['plan'] },
  output: { type: 'string', short: 'o', value: 'FILE', help: 'write to FILE instead of stdout', commands: ['export', 'schema'] },
  split: { type: 'string', value: 'DIR', help: 'write one file per workspace into DIR, not one file', commands: ['export'] },
  yes: { type: 'boolean', short: 'y', help: 'apply without asking (required when stdin is not a terminal)', commands: ['apply'] },
  'allow-destructive': { type: 'boolean', help: 'let a plan past the safety limits, for this run (the output records it)', commands: ['plan', 'apply'] },
  verify: { type: 'boolean', help: 'read back what was written and report what did not take effect', commands: ['apply'] },
  concurrency: { type: 'string', value: 'N', help: `requests in flight at most (default ${DEFAULT_CONCURRENCY})`, commands: READS_ORG },
  'batch-size': { type: 'string', value: 'N', help: `members per bulk call (default ${DEFAULT_BATCH_SIZE})`, commands: ['apply'] },
  'max-retries': { type: 'string', value: 'N', help: `retries of a failed request (default ${DEFAULT_MAX_RETRIES})`, commands: READS_ORG },
  timeout: { type: 'string', value: 'SECONDS', help: 'give up the whole run after this long', commands: READS_ORG },
  'api-key-file': { type: 'string', value: 'FILE', help: 'read the management key from FILE (else MODELGATES_API_KEY)', commands: READS_ORG },
  verbose: { type: 'boolean', short: 'v', help: 'log every request (the key is never shown)', commands: READS_ORG },
  port: { type: 'string', value: 'N', help: 'port to listen on (default: a free one)', commands: ['simulator'] },
  state: { type: 'string', value: 'FILE', help: 'organization to serve, as JSON (default: the example)', commands: ['simulator'] },
  'api-key': { type: 'string', value: 'KEY', help: 'the key the simulator accepts', commands: ['simulator'] },
  'latency-ms': { type: 'string', value: 'N', help: 'delay every answer by N ms', commands: ['simulator'] },
  'fault-rate': { type: 'string', value: 'SPEC', help: 'inject faults, e.g. 429=0.1,500=0.05,reset=0.02', commands: ['simulator'] },
  seed: { type: 'string', value: 'N', help: 'seed of the fault draws (default 1)', commands: ['simulator'] },
  'max-batch': { type: 'string', value: 'N', help: 'answer 413 to bulk writes of more than N ids', commands: ['simulator'] },
  help: { type: 'boolean', short: 'h', help: 'show this help', commands: COMMANDS },
  version: { type: 'boolean', help: "print gatesync's version", commands: COMMANDS },
} as const satisfies Record<string, OptionSpec>;

export type OptionName = keyof typeof OPTIONS;

export interface Args {
  command: Command;
  positionals: string[];
  /** The `-c` arguments, files and folders, in order. */
  config: string[];
  /** Whether `-c` was given (a saved plan otherwise names its own files). */
  configGiven: boolean;
  workspaces: string[];
  format: 'text' | 'json' | 'markdown';
  detailedExitcode: boolean;
  out?: string;
  output?: string;
  split?: string;
  yes: boolean;
  allowDestructive: boolean;
  verify: boolean;
  concurrency: number;
  batchSize: number;
  maxRetries: number;
  timeoutSeconds?: number;
  apiKeyFile?: string;
  /** The management key once read (from the environment or `--api-key-file`), so it is read once per run. */
  managementKey?: string;
  verbose: boolean;
  port: number;
  state?: string;
  apiKey?: string;
  latencyMs: number;
  faultRate?: string;
  seed: number;
  maxBatch?: number;
}

/** What the command line asks for before any command runs. */
export type Invocation = { kind: 'help'; command?: Command } | { kind: 'version' } | { kind: 'run' };

interface Scan {
  /** The first operand, which names the command. */
  word?: string;
  operands: string[];
  options: Array<{ name: string; rawName: string; value?: string }>;
}

/**
 * Reads the command line leniently, knowing every option of every command,
 * so that values are told from operands whatever the command turns out to be.
 */
function scan(argv: string[]): Scan {
  const { tokens } = parseArgs({ args: argv, options: parseOptions(Object.keys(OPTIONS) as OptionName[]), strict: false, allowPositionals: true, tokens: true });
  const operands: string[] = [];
  const options: Scan['options'] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') operands.push(token.value);
    else if (token.kind === 'option') options.push({ name: token.name, rawName: token.rawName, value: token.value });
  }
  return { word: operands[0], operands, options };
}

/** `--help`, `-h` and `help [COMMAND]` ask for help; `--version` for the version; anything else runs a command. */
export function invocationOf(argv: string[]): Invocation {
  const { word, operands, options } = scan(argv);
  if (options.some((o) => o.name === 'version')) return { kind: 'version' };
  if (word === 'help') return { kind: 'help', command: asCommand(operands[1]) };
  if (options.some((o) => o.name === 'help')) return { kind: 'help', command: asCommand(word) };
  return { kind: 'run' };
}

/** The `--format` asked for, read leniently: it decides the shape of errors even when the command line is wrong. */
export function requestedFormat(argv: string[]): string | undefined {
  return scan(argv).options.findLast((o) => o.name === 'format')?.value;
}

export function parseCliArgs(argv: string[]): Args {
  const { word, options } = scan(argv);
  if (word === undefined) throw new UsageError('', true);
  const command = asCommand(word);
  if (command === undefined) {
    const near = suggest(word, COMMANDS);
    throw new UsageError(`unknown command ${JSON.stringify(word)}${near ? `; did you mean ${near}?` : ''}`, true);
  }
  const helpHint = `run \`gatesync ${command} --help\` for its options`;
  const foreign = options.filter((o) => !takes(command, o.name));
  const [first] = foreign;
  if (first && foreign.length === 1) throw new UsageError(`${command} does not take ${first.rawName}: ${whyForeign(command, first)}`, false, helpHint);
  if (first) {
    const lines = foreign.map((o) => `\n  ${o.rawName}: ${whyForeign(command, o)}`);
    throw new UsageError(`${command} does not take these options:${lines.join('')}`, false, helpHint);
  }

  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: parseOptions(optionsOf(command)), strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError((error as Error).message, false, helpHint);
  }
  const values = parsed.values as Partial<Record<OptionName, string | string[] | boolean>>;
  const operands = parsed.positionals.slice(1);
  const { maxOperands, operands: usage } = COMMAND_SPECS[command];
  if (operands.length > maxOperands) {
    const extra = operands.slice(maxOperands).map((o) => JSON.stringify(o)).join(' ');
    throw new UsageError(`${command} takes ${maxOperands ? `at most ${usage}` : 'no operands'}; unexpected ${extra}`, false, helpHint);
  }
  const text = (name: OptionName) => values[name] as string | undefined;
  const flag = (name: OptionName) => values[name] === true;
  const format = text('format') ?? 'text';
  if (!['text', 'json', 'markdown'].includes(format)) {
    throw new UsageError(`--format must be text, json or markdown, not ${JSON.stringify(format)}`, false, helpHint);
  }
  return {
    command,
    positionals: operands,
    config: (values.config as string[] | undefined) ?? [DEFAULT_CONFIG],
    configGiven: values.config !== undefined,
    workspaces: (values.workspace as string[] | undefined) ?? [],
    format: format as Args['format'],
    detailedExitcode: flag('detailed-exitcode'),
    out: text('out'),
    output: text('output'),
    split: text('split'),
    yes: flag('yes'),
    allowDestructive: flag('allow-destructive'),
    verify: flag('verify'),
    concurrency: integer(text('concurrency'), '--concurrency', DEFAULT_CONCURRENCY, 1),
    batchSize: integer(text('batch-size'), '--batch-size', DEFAULT_BATCH_SIZE, 1),
    maxRetries: integer(text('max-retries'), '--max-retries', DEFAULT_MAX_RETRIES, 0),
    timeoutSeconds: optionalInteger(text('timeout'), '--timeout', 1),
    apiKeyFile: text('api-key-file'),
    verbose: flag('verbose'),
    port: integer(text('port'), '--port', 0, 0),
    state: text('state'),
    apiKey: text('api-key'),
    latencyMs: integer(text('latency-ms'), '--latency-ms', 0, 0),
    faultRate: text('fault-rate'),
    seed: integer(text('seed'), '--seed', 1, 0),
    maxBatch: optionalInteger(text('max-batch'), '--max-batch', 1),
  };
}

export function optionsOf(command: Command): OptionName[] {
  return (Object.keys(OPTIONS) as OptionName[]).filter((name) => takes(command, name));
}

function takes(command: Command, name: string): boolean {
  const spec: OptionSpec | undefined = OPTIONS[name as OptionName];
  return spec !== undefined && spec.commands.includes(command);
}

function asCommand(word: string | undefined): Command | undefined {
  return (COMMANDS as readonly string[]).includes(word ?? '') ? (word as Command) : undefined;
}

function parseOptions(names: OptionName[]): NonNullable<ParseArgsConfig['options']> {
  return Object.fromEntries(
    names.map((name) => {
      const spec: OptionSpec = OPTIONS[name];
      return [name, { type: spec.type, ...(spec.short && { short: spec.short }), ...(spec.multiple && { multiple: true }) }];
    }),
  );
}

/** `it belongs to export; did you mean --out?`, or `no such option; did you mean --format?` */
function whyForeign(command: Command, option: Scan['options'][number]): string {
  const spec: OptionSpec | undefined = OPTIONS[option.name as OptionName];
  const own = optionsOf(command).filter((name) => name !== 'help' && name !== 'version');
  // A long name that is a prefix of an own option (or the reverse) is the likelier intent: `--output` for `--out`.
  const near =
    suggest(option.name, own) ??
    (spec || option.rawName.startsWith('--') ? own.find((name) => name.startsWith(option.name) || option.name.startsWith(name)) : undefined);
  const didYouMean = near ? `; did you mean --${near}?` : '';
  if (!spec) return `no such option${didYouMean}`;
  const owners = spec.commands.length > 1 ? `${spec.commands.slice(0, -1).join(', ')} and ${spec.commands.at(-1)}` : spec.commands[0];
  return `it belongs to ${owners}${didYouMean}`;
}

function integer(value: string | undefined, flag: string, fallback: number, min: number): number {
  return optionalInteger(value, flag, min) ?? fallback;
}

function optionalInteger(value: string | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min) throw new UsageError(`${flag} must be a whole number of at least ${min}, not ${JSON.stringify(value)}`);
  return Number(value);
}
