import { apply, type ApplyResult } from '../../apply/apply.js';
import { checkSafety, type SafetyCheck } from '../../plan/safety.js';
import type { Plan } from '../../plan/types.js';
import type { Provider } from '../../providers/provider.js';
import type { Args } from '../args.js';
import { enforceSafety } from '../enforce-safety.js';
import { EXIT, UsageError } from '../errors.js';
import { paintFor, type Io } from '../io.js';
import { buildPlan, connect, loadConfig, readApiKey } from '../pipeline.js';
import { renderApplyResult } from '../render-result.js';
import { renderText } from '../render-text.js';
import { readSavedPlan, verifySavedPlan } from '../saved-plan.js';

/**
 * `gatesync apply [PLAN.json]`: plans (or takes a saved plan that is still
 * true), shows it, checks it is safe, asks, then applies.
 */
export async function applyCommand(args: Args, io: Io): Promise<number> {
  if (!args.yes && !io.stdinIsTTY) throw new UsageError('apply needs --yes when stdin is not a terminal');
  const savedPath = args.positionals[0];
  const saved = savedPath ? await readSavedPlan(savedPath, args, io) : undefined;
  const provider = connect(args, io, await readApiKey(args, io));
  try {
    let plan: Plan;
    let check: SafetyCheck;
    if (saved) {
      ({ plan, check } = await verifySavedPlan(saved, provider, args, io));
    } else {
      const config = await loadConfig(args, io);
      plan = (await buildPlan(config, provider, args, io)).plan;
      check = checkSafety(plan, config.safety, args.allowDestructive);
    }
    io.stdout(renderText(plan, paintFor(io, 'stdout'), check));
    enforceSafety(check, io);
    if (plan.summary.total === 0) return EXIT.ok;
    if (!args.yes) {
      const answer = await io.ask('\nApply these changes? Only "yes" is accepted: ');
      if (answer.trim() !== 'yes') {
        io.stderr('Apply cancelled: nothing was changed.\n');
        return EXIT.error;
      }
    }
    const result = await applyPlan(plan, provider, args, io);
    io.stdout(renderApplyResult(result));
    return result.ok ? EXIT.ok : EXIT.error;
  } finally {
    await provider.close();
  }
}

/** Runs the applier, showing batches done of total on a terminal. */
export function applyPlan(plan: Plan, provider: Provider, args: Args, io: Io): Promise<ApplyResult> {
  const onProgress = io.stderrIsTTY
    ? (done: number, total: number) => io.stderr(`\r[apply] ${done}/${total} batches${done === total ? '\n' : ''}`)
    : undefined;
  return apply(plan, provider, { concurrency: args.concurrency, batchSize: args.batchSize, onProgress });
}
