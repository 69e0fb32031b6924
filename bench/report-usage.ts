/**
 * Preloaded (`node --import`) into every process the benchmark times: when
 * the process exits, writes its own CPU time and peak RSS — the kernel's
 * lifetime maximum, so no peak between two samples is missed — to the file
 * named by BENCH_USAGE_FILE.
 */
import { writeFileSync } from 'node:fs';
import { resourceUsage } from 'node:process';

const file = process.env.BENCH_USAGE_FILE;
if (file) {
  process.on('exit', () => {
    const usage = resourceUsage();
    writeFileSync(file, JSON.stringify({ cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, peakRssMb: usage.maxRSS / 1024 }));
  });
}
