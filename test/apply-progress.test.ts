/** Apply progress on stderr, with and without a terminal (fake timers: nothing here depends on real time). */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { applyProgress } from '../src/cli/apply-progress.js';
import type { Io } from '../src/cli/io.js';

function capture(stderrIsTTY: boolean) {
  const lines: string[] = [];
  const io = { stderrIsTTY, stderr: (text: string) => void lines.push(text) } as unknown as Io;
  return { io, lines };
}

describe('apply progress', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('without a terminal, prints the latest count once per interval while batches remain, and nothing once stopped', () => {
    const { io, lines } = capture(false);
    const progress = applyProgress(io, 1000);
    progress.update(0, 10);
    progress.update(3, 10);
    expect(lines).toEqual([]);
    vi.advanceTimersByTime(1000);
    expect(lines).toEqual(['[apply] 3/10 batches done after 1s\n']);
    progress.update(10, 10);
    vi.advanceTimersByTime(1000);
    expect(lines).toHaveLength(1);
    progress.update(7, 12);
    progress.stop();
    vi.advanceTimersByTime(5000);
    expect(lines).toHaveLength(1);
  });

  it('on a terminal, rewrites one line at every batch', () => {
    const { io, lines } = capture(true);
    const progress = applyProgress(io, 1000);
    progress.update(1, 2);
    progress.update(2, 2);
    vi.advanceTimersByTime(5000);
    progress.stop();
    expect(lines).toEqual(['\r[apply] 1/2 batches', '\r[apply] 2/2 batches\n']);
  });
});
