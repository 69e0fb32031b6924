/** Runs the real CLI in-process, against a simulator over real HTTP, capturing everything it prints. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Io } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/run-cli.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  stdinIsTTY?: boolean;
  answer?: string;
}

export async function runGatesync(argv: string[], options: CliOptions = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    env: { ...options.env },
    stdinIsTTY: options.stdinIsTTY ?? false,
    stdoutIsTTY: false,
    stderrIsTTY: false,
    cwd: options.cwd ?? process.cwd(),
    ask: async () => options.answer ?? '',
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

/** A fresh temporary folder holding the given files. */
export function workdir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'gatesync-test-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

export function simulatorEnv(simulator: { url: string; apiKey: string }): Record<string, string> {
  return { MODELGATES_BASE_URL: simulator.url, MODELGATES_API_KEY: simulator.apiKey };
}
