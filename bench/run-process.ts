/**
 * Runs a Node script as its own process, the way a user runs gatesync or a
 * script, and measures it from the outside: wall time from spawn to exit
 * (process start and module loading included), and the CPU time and peak
 * RSS the process reports for itself as it exits (see `report-usage.ts`).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface ProcessFigures {
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
}

export interface ProcessRun extends ProcessFigures {
  code: number;
  stdout: string;
  stderr: string;
}

const usageHook = pathToFileURL(join(import.meta.dirname, 'report-usage.js')).href;

export async function runProcess(script: string, args: readonly string[], env: Record<string, string>, cwd: string): Promise<ProcessRun> {
  const dir = mkdtempSync(join(tmpdir(), 'gatesync-bench-usage-'));
  const usageFile = join(dir, 'usage.json');
  try {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', usageHook, script, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', ...env, BENCH_USAGE_FILE: usageFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const code = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (exitCode) => resolve(exitCode ?? 1));
    });
    const wallMs = performance.now() - started;
    const output = { stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() };
    if (!existsSync(usageFile)) {
      throw new Error(`${basename(script)} ${args.join(' ')} ended (code ${code}) without reporting its usage: ${output.stderr.trim().split('\n')[0] ?? ''}`);
    }
    const usage = JSON.parse(readFileSync(usageFile, 'utf8')) as Omit<ProcessFigures, 'wallMs'>;
    return { code, wallMs, ...usage, ...output };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
