import { join } from 'node:path';
import { exampleState, startSimulator, DEFAULT_API_KEY } from '../../simulator/index.js';
import type { Args } from '../args.js';
import { EXIT } from '../errors.js';
import { paintFor, type Io } from '../io.js';
import { loadConfig } from '../load-config.js';
import { buildPlan, connect } from '../pipeline.js';
import { renderApplyResult } from '../render-result.js';
import { renderText } from '../render-text.js';
import { packageRoot } from '../../package-root.js';
import { applyPlan } from './apply.js';


/**
 * `gatesync demo`: the whole loop on the built-in simulator — plan the
 * example file, apply it, plan again to show nothing is left to do.
 */
export async function demoCommand(args: Args, io: Io): Promise<number> {
  const simulator = await startSimulator({ port: 0, state: exampleState() });
  const demoArgs: Args = { ...args, config: [join(packageRoot(), 'examples', 'gatesync.yaml')], workspaces: [] };
  const provider = connect(demoArgs, io, DEFAULT_API_KEY, simulator.url);
  const paint = paintFor(io, 'stdout');
  try {
    io.stdout(paint('bold', `== gatesync demo: simulator at ${simulator.url}, file examples/gatesync.yaml\n\n`));
    const config = await loadConfig(demoArgs, io);
    io.stdout(paint('bold', '== gatesync plan\n\n'));
    const first = await buildPlan(config, provider, demoArgs, io);
    io.stdout(renderText(first.plan, paint));
    io.stdout(paint('bold', '\n== gatesync apply --yes\n\n'));
    const result = await applyPlan(first.plan, provider, demoArgs, io);
    io.stdout(renderApplyResult(result));
    io.stdout(paint('bold', '\n== gatesync plan (again)\n\n'));
    const second = await buildPlan(config, provider, demoArgs, io);
    io.stdout(renderText(second.plan, paint));
    return result.ok && second.plan.summary.total === 0 ? EXIT.ok : EXIT.error;
  } finally {
    await provider.close();
    await simulator.close();
  }
}
