/**
 * CPU time this process spends on `work`, in milliseconds. Bounds on work
 * are checked in CPU time, not wall time, so a loaded CI machine cannot
 * make them fail while a real blow-up (quadratic work, a hang) still does.
 */
export async function cpuMs<T>(work: () => T | Promise<T>): Promise<{ result: T; cpuMs: number }> {
  const before = process.cpuUsage();
  const result = await work();
  const spent = process.cpuUsage(before);
  return { result, cpuMs: (spent.user + spent.system) / 1000 };
}
