/**
 * Where the CLI reads and writes. Everything it prints goes through `Io`,
 * which masks the management key, so no output can carry it.
 */
import { appendFile, writeFile } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { formatDiagnostic } from '../config/format-diagnostic.js';
import type { Diagnostic } from '../model/config.js';
import { redactKey } from '../providers/redact.js';
import { UsageError } from './errors.js';
import { colourPaint, plainPaint, type Paint } from './render-text.js';

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
  stdinIsTTY: boolean;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  /** Asks one question on the terminal and returns the answer. */
  ask(question: string): Promise<string>;
  cwd: string;
}

export function processIo(): Io {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    stdinIsTTY: Boolean(process.stdin.isTTY),
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    cwd: process.cwd(),
    async ask(question) {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await rl.question(question);
      } catch {
        // Ctrl-C or Ctrl-D at the prompt: no answer, so no "yes".
        return '';
      } finally {
        rl.close();
      }
    },
  };
}

/** Writes a file the user named; a failure is the user's to fix, not a bug. */
export async function writeUserFile(path: string, text: string, what: string, append = false): Promise<void> {
  try {
    await (append ? appendFile(path, text) : writeFile(path, text));
  } catch (error) {
    throw new UsageError(`cannot write ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** Writes `text` to the file `--output` names (saying so on stderr), or to stdout without one. */
export async function writeOutput(io: Io, output: string | undefined, text: string): Promise<void> {
  if (output === undefined) return io.stdout(text);
  await writeUserFile(resolvePath(io.cwd, output), text, '--output');
  io.stderr(`wrote ${output}\n`);
}

/** Warnings and errors of the file or the plan, one located line each, on stderr. */
export function printDiagnostics(io: Io, diagnostics: readonly Diagnostic[]): void {
  for (const diagnostic of diagnostics) io.stderr(formatDiagnostic(diagnostic) + '\n');
}

/** Wraps an Io so that the secret, and any fragment of it, is replaced before it is written. */
export function redactingIo(io: Io, secret: string | undefined): Io {
  if (!secret) return io;
  const mask = (text: string) => redactKey(text, secret);
  return { ...io, stdout: (text) => io.stdout(mask(text)), stderr: (text) => io.stderr(mask(text)) };
}

/**
 * Colour as Node decides it for its own output: FORCE_COLOR, when set, wins
 * (`''`, `1`, `2`, `3` or `true` colour; anything else does not); otherwise
 * none with NO_COLOR, none on a dumb terminal, and colour only on a terminal.
 */
export function paintFor(io: Io, stream: 'stdout' | 'stderr'): Paint {
  const force = io.env.FORCE_COLOR;
  if (force !== undefined) return ['', '1', '2', '3', 'true'].includes(force) ? colourPaint : plainPaint;
  if (io.env.NO_COLOR || io.env.TERM === 'dumb') return plainPaint;
  return (stream === 'stdout' ? io.stdoutIsTTY : io.stderrIsTTY) ? colourPaint : plainPaint;
}
