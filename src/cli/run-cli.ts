/**
 * The CLI's one entry: parses arguments, runs a command, and turns every
 * error of the vocabulary into a message and an exit code. Never a stack
 * trace, never the key.
 */
import { formatDiagnostic } from '../config/format-diagnostic.js';
import type { Diagnostic } from '../model/config.js';
import { UnsafePlanError } from '../plan/safety.js';
import { ApiError, TransportError } from '../providers/api-error.js';
import { parseCliArgs, requestedFormat, invocationOf, type Args } from './args.js';
import { ConfigError, EXIT, StalePlanError, UsageError } from './errors.js';
import { commandHelp, overview } from './help.js';
import { redactingIo, type Io } from './io.js';
import { packageVersion } from '../package-root.js';
import { readApiKey } from './api-key.js';

type CommandRunner = (args: Args, io: Io) => Promise<number>;

/**
 * Each command is loaded when run: the offline ones (`validate`, `schema`)
 * then never load the network stack, which would cost more than the checks.
 */
const COMMAND_RUNNERS: Record<Args['command'], () => Promise<CommandRunner>> = {
  validate: async () => (await import('./commands/validate.js')).validateCommand,
  plan: async () => (await import('./commands/plan.js')).planCommand,
  apply: async () => (await import('./commands/apply.js')).applyCommand,
  export: async () => (await import('./commands/export.js')).exportCommand,
  schema: async () => (await import('./commands/schema.js')).schemaCommand,
  simulator: async () => (await import('./commands/simulator.js')).simulatorCommand,
  demo: async () => (await import('./commands/demo.js')).demoCommand,
};

export async function runCli(argv: string[], rawIo: Io): Promise<number> {
  // Masked from the start: a key pasted onto the command line is echoed by the error about it.
  let io = redactingIo(rawIo, rawIo.env.MODELGATES_API_KEY?.trim());
  const invocation = invocationOf(argv);
  if (invocation.kind === 'version') {
    rawIo.stdout(`${packageVersion()}\n`);
    return EXIT.ok;
  }
  if (invocation.kind === 'help') {
    rawIo.stdout(invocation.command ? commandHelp(invocation.command) : overview());
    return EXIT.ok;
  }
  try {
    const args = parseCliArgs(argv);
    args.managementKey = await readApiKey(args, rawIo).catch(() => undefined);
    io = redactingIo(io, args.managementKey);
    const run = await COMMAND_RUNNERS[args.command]();
    return await run(args, io);
  } catch (error) {
    const failure = describeFailure(error);
    io.stderr(failure.text);
    // A refused plan is on stdout already, marked refused: a second JSON document there would break a parser.
    if (requestedFormat(argv) === 'json' && !(error instanceof UnsafePlanError)) io.stdout(renderJsonError(failure));
    return failure.exit;
  }
}

type FailureKind = 'usage' | 'config' | 'unsafe' | 'stale-plan' | 'api' | 'transport' | 'internal';

interface Failure {
  kind: FailureKind;
  exit: number;
  /** One line, as a script would show it. */
  message: string;
  diagnostics: Diagnostic[];
  /** What a person reads on stderr. */
  text: string;
}

function describeFailure(error: unknown): Failure {
  const failure = (kind: FailureKind, message: string, text = `gatesync: ${message}\n`, exit: number = EXIT.error): Failure => ({
    kind,
    exit,
    message,
    diagnostics: [],
    text,
  });
  if (error instanceof UsageError) {
    if (!error.message) return failure('usage', 'no command given', overview());
    const hint = error.hint ? `  hint: ${error.hint}\n` : '';
    return failure('usage', error.message, `gatesync: ${error.message}\n${hint}${error.showUsage ? `\n${overview()}` : ''}`);
  }
  if (error instanceof ConfigError) {
    const message = `${error.message}; nothing was changed`;
    const located = error.diagnostics.map((diagnostic) => formatDiagnostic(diagnostic) + '\n').join('');
    return { ...failure('config', message, `${located}gatesync: ${message}.\n`), diagnostics: error.diagnostics };
  }
  if (error instanceof UnsafePlanError) return failure('unsafe', error.message, undefined, EXIT.unsafe);
  if (error instanceof StalePlanError) return failure('stale-plan', error.message);
  if (error instanceof ApiError) {
    const hint = error.hint ? ` (${error.hint})` : '';
    return failure('api', `the API refused a request: ${error.message}${hint}`);
  }
  if (error instanceof TransportError) return failure('transport', error.message);
  const message = `internal error: ${(error as Error)?.message ?? String(error)}`;
  return failure('internal', message, `gatesync: ${message}\nThis is a bug in gatesync; please report it with the command you ran.\n`);
}

/** `{ "error": { "kind", "message", "diagnostics": [...] } }`: what `--format json` prints on stdout when no plan could be made. */
function renderJsonError(failure: Failure): string {
  const diagnostics = failure.diagnostics.map(({ severity, message, hint, location, related }) => ({
    severity,
    message,
    ...(hint !== undefined && { hint }),
    ...location,
    ...(related !== undefined && { related: { message: related.message, ...related.location } }),
  }));
  return JSON.stringify({ error: { kind: failure.kind, message: failure.message, diagnostics } }, null, 2) + '\n';
}
