/**
 * Progress of an apply on stderr. On a terminal, one line rewritten in place
 * at every batch; without one (CI logs), a line every `intervalMs` while
 * batches remain, so a long run shows it is alive without flooding the log.
 */
import type { Io } from './io.js';

export const PROGRESS_INTERVAL_MS = 5_000;

export interface ApplyProgress {
  update(done: number, total: number): void;
  stop(): void;
}

export function applyProgress(io: Io, intervalMs: number = PROGRESS_INTERVAL_MS): ApplyProgress {
  if (io.stderrIsTTY) {
    return {
      update: (done, total) => io.stderr(`\r[apply] ${done}/${total} batches${done === total ? '\n' : ''}`),
      stop: () => undefined,
    };
  }
  let latest = { done: 0, total: 0 };
  const started = Date.now();
  const timer = setInterval(() => {
    if (latest.done >= latest.total) return;
    const seconds = Math.round((Date.now() - started) / 1000);
    io.stderr(`[apply] ${latest.done}/${latest.total} batches done after ${seconds}s\n`);
  }, intervalMs);
  timer.unref();
  return {
    update: (done, total) => void (latest = { done, total }),
    stop: () => clearInterval(timer),
  };
}
