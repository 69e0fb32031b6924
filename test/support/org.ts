/** Names in organizations made by `generateOrg`, and a simulator that each test gets fresh and closed after it. */
import { afterEach } from 'vitest';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../src/simulator/index.js';

export const uid = (i: number) => `user_gen${String(i).padStart(6, '0')}`;
export const email = (i: number) => `member${i}@corp.example`;
export const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Returns a `start` that starts a simulator on a free port; every simulator started is closed after its test. */
export function simulatorPerTest(): (options?: SimulatorOptions) => Promise<RunningSimulator> {
  const running: RunningSimulator[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((simulator) => simulator.close()));
  });
  return async (options = {}) => {
    const simulator = await startSimulator({ port: 0, ...options });
    running.push(simulator);
    return simulator;
  };
}
