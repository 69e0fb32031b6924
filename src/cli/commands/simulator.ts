import { exampleState, loadStateFile, parseFaultRates, startSimulator } from '../../simulator/index.js';
import type { Args } from '../args.js';
import { EXIT, UsageError } from '../errors.js';
import type { Io } from '../io.js';

/** `gatesync simulator`: serves the API on loopback until stopped. */
export async function simulatorCommand(args: Args, io: Io): Promise<number> {
  let state;
  let faults;
  try {
    state = args.state ? loadStateFile(args.state) : exampleState();
    faults = args.faultRate ? parseFaultRates(args.faultRate) : undefined;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const simulator = await startSimulator({
    port: args.port,
    state,
    apiKey: args.apiKey,
    latencyMs: args.latencyMs,
    faults,
    seed: args.seed,
    maxBatch: args.maxBatch,
  });
  io.stdout(`gatesync simulator serving ${simulator.url}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await simulator.close();
  return EXIT.ok;
}
