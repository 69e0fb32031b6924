import { apply, type ApplyResult } from '../../apply/apply.js';
import type { SafetyCheck } from '../../plan/safety.js';
import type { Plan } from '../../model/plan.js';
import type { HttpProvider } from '../../providers/http-provider.js';
import type { Provider } from '../../providers/provider.js';
import type { Args } from '../args.js';
import { enforceSafety } from '../enforce-safety.js';
import { EXIT, UsageError } from '../errors.js';
import { paintFor, type Io } from '../io.js';
import { readApiKey } from '../api-key.js';
import { ownersToShow, type Owners } from '../owners.js';
import { connect, planFile } from '../pipeline.js';
import { applyProgress } from '../apply-progress.js';
import { renderApplyResult } from '../render-result.js';
import { renderText } from '../render-text.js';

/** The shell's code for a run ended by SIGINT (128 + 2), also used after SIGTERM. */
const EXIT_INTERRUPTED = 130;

/**
 * `gatesync apply [PLAN.json]`: plans (or takes a saved plan that is still
 * true), shows it, checks it is safe, asks, then applies.
 */
export async function applyCommand(args: Args, io: Io): Promise<number> {
  if (!args.yes && !io.stdinIsTTY) throw new UsageError('apply needs --yes when stdin is not a terminal');
  const savedPath = args.positionals[0];
  const saved = savedPath ? await savedPlanAt(savedPath, args, io) : undefined;
  const provider = connect(args, io, await readApiKey(args, io));
  try {
    let plan: Plan;
    let check: SafetyCheck;
    let owners: Owners | undefined;
    if (saved) {
      ({ plan, check, owners } = await saved.verify(provider));
    } else {
      const planned = await planFile(provider, args, io);
      ({ plan, check } = planned);
      owners = ownersToShow(planned.config, planned.declaredIn);
    }
    io.stdout(renderText(plan, paintFor(io, 'stdout'), check, owners));
    enforceSafety(check, io);
    if (plan.summary.total === 0) return EXIT.ok;
    if (!args.yes) {
      const answer = await io.ask('\nApply these changes? Only "yes" is accepted: ');
      if (answer.trim() !== 'yes') {
        io.stderr('Apply cancelled: nothing was changed.\n');
        return EXIT.error;
      }
    }
    const result = await withInterruption(io, (signal) => applyPlan(plan, provider, args, io, signal));
    io.stdout(renderApplyResult(result, args.verbose));
    if (result.interrupted > 0) return EXIT_INTERRUPTED;
    return result.ok ? EXIT.ok : EXIT.error;
  } finally {
    await provider.close();
  }
}

/**
 * A saved plan, read and checked, and how to verify it is still true. Its
 * reader and the plan schema's validator load only for `apply PLAN.json`.
 */
async function savedPlanAt(path: string, args: Args, io: Io) {
  const { readSavedPlan, verifySavedPlan } = await import('../saved-plan.js');
  const saved = await readSavedPlan(path, args, io);
  return { verify: (provider: HttpProvider) => verifySavedPlan(saved, provider, args, io) };
}

/** Runs the applier with progress on stderr: batches done of total. */
export async function applyPlan(plan: Plan, provider: Provider, args: Args, io: Io, signal?: AbortSignal): Promise<ApplyResult> {
  const progress = applyProgress(io);
  try {
    return await apply(plan, provider, {
      concurrency: args.concurrency,
      batchSize: args.batchSize,
      verify: args.verify,
      signal,
      onProgress: progress.update,
    });
  } finally {
    progress.stop();
  }
}

/**
 * SIGINT or SIGTERM during `run` aborts its signal: no new batch starts,
 * batches in flight finish, and the caller prints what was applied. A second
 * signal exits at once.
 */
async function withInterruption<T>(io: Io, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const interrupt = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      io.stderr(`${name} again: exiting now; calls in flight may or may not have taken effect.\n`);
      process.exit(EXIT_INTERRUPTED);
    }
    io.stderr(`\n${name}: no new batch starts; waiting for the calls in flight, then the summary (${name} again to exit now).\n`);
    controller.abort();
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  try {
    return await run(controller.signal);
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
}
