/**
 * Help text, written from the option table so that it cannot drift from
 * what the parser accepts: an overview of the commands, and one page per
 * command listing exactly its options.
 */
import { COMMAND_SPECS, COMMANDS, OPTIONS, optionsOf, type Command, type OptionSpec } from './args.js';

const ENVIRONMENT = `Environment:
  MODELGATES_API_KEY       the management key
  MODELGATES_BASE_URL      API base URL (default https://modelgates.ai/api/v1)
  NO_COLOR, FORCE_COLOR    no colour, or colour even off a terminal (TERM=dumb: none)`;

const EXIT_CODES = `Exit codes: 0 success (plan --detailed-exitcode: no changes), 1 error, 2 changes present
(plan --detailed-exitcode), 3 plan refused as unsafe, 130 apply interrupted.`;

export function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.length));
  return `gatesync — membership-as-code for the ModelGates management API

Usage: gatesync COMMAND [options]

Commands:
${COMMANDS.map((command) => `  ${command.padEnd(width)}  ${COMMAND_SPECS[command].summary}`).join('\n')}

Run \`gatesync COMMAND --help\` for a command's options, \`gatesync --version\` for the version.

${ENVIRONMENT}

${EXIT_CODES}
`;
}

export function commandHelp(command: Command): string {
  const { summary, operands } = COMMAND_SPECS[command];
  const names = optionsOf(command);
  const rows = names.map((name) => {
    const spec: OptionSpec = OPTIONS[name];
    const flag = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.value ? ` ${spec.value}` : ''}`;
    return [flag, spec.help] as const;
  });
  const width = Math.max(...rows.map(([flag]) => flag.length));
  const usesKey = names.includes('api-key-file');
  return [
    `Usage: gatesync ${command} [options]${operands ? ` ${operands}` : ''}`,
    '',
    `${summary[0]!.toUpperCase()}${summary.slice(1)}.`,
    '',
    'Options:',
    ...rows.map(([flag, help]) => `  ${flag.padEnd(width)}  ${help}`),
    ...(usesKey ? ['', ENVIRONMENT] : []),
    ...(command === 'plan' || command === 'apply' ? ['', EXIT_CODES] : []),
    '',
  ].join('\n');
}
