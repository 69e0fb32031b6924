/**
 * The CLI's one entry: parses arguments, runs a command, and turns every
 * error of the vocabulary into a message and an exit code. Never a stack
 * trace, never the key.
 */
import { formatDiagnostic } from '../config/format-diagnostic.js';
import { UnsafePlanError } from '../plan/safety.js';
import { ApiError, TransportError } from '../providers/api-error.js';
import { parseCliArgs, USAGE, type Args } from './args.js';
import { applyCommand } from './commands/apply.js';
import { demoCommand } from './commands/demo.js';
import { exportCommand } from './commands/export.js';
import { planCommand } from './commands/plan.js';
import { simulatorCommand } from './commands/simulator.js';
import { validateCommand } from './commands/validate.js';
import { ConfigError, EXIT, StalePlanError, UsageError } from './errors.js';
import { redactingIo, type Io } from './io.js';
import { readApiKey } from './pipeline.js';

const COMMAND_RUNNERS: Record<Args['command'], (args: Args, io: Io) => Promise<number>> = {
  validate: validateCommand,
  plan: planCommand,
  apply: applyCommand,
  export: exportCommand,
  simulator: simulatorCommand,
  demo: demoCommand,
};

export async function runCli(argv: string[], rawIo: Io): Promise<number> {
  let io = rawIo;
  if (argv[0] === 'help' || argv.includes('--help') || argv.includes('-h')) {
    rawIo.stdout(USAGE);
    return EXIT.ok;
  }
  try {
    const args = parseCliArgs(argv);
    args.managementKey = await readApiKey(args, rawIo).catch(() => undefined);
    io = redactingIo(rawIo, args.managementKey);
    return await COMMAND_RUNNERS[args.command](args, io);
  } catch (error) {
    return reportError(error, io);
  }
}

function reportError(error: unknown, io: Io): number {
  if (error instanceof UsageError) {
    if (!error.message) io.stderr(USAGE);
    else io.stderr(`gatesync: ${error.message}\n${error.showUsage ? `\n${USAGE}` : ''}`);
    return EXIT.error;
  }
  if (error instanceof ConfigError) {
    for (const diagnostic of error.diagnostics) io.stderr(formatDiagnostic(diagnostic) + '\n');
    io.stderr(`gatesync: ${error.message}; nothing was changed.\n`);
    return EXIT.error;
  }
  if (error instanceof UnsafePlanError) {
    io.stderr(`gatesync: ${error.message}\n`);
    return EXIT.unsafe;
  }
  if (error instanceof StalePlanError) {
    io.stderr(`gatesync: ${error.message}\n`);
    return EXIT.error;
  }
  if (error instanceof ApiError) {
    const hint = error.hint ? ` (${error.hint})` : '';
    io.stderr(`gatesync: the API refused a request: ${error.message}${hint}\n`);
    return EXIT.error;
  }
  if (error instanceof TransportError) {
    io.stderr(`gatesync: ${error.message}\n`);
    return EXIT.error;
  }
  io.stderr(`gatesync: internal error: ${(error as Error)?.message ?? String(error)}\nThis is a bug in gatesync; please report it with the command you ran.\n`);
  return EXIT.error;
}
