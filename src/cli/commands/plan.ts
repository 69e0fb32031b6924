import { resolve as resolvePath } from 'node:path';
import type { SafetyCheck } from '../../plan/safety.js';
import type { Plan } from '../../model/plan.js';
import type { Args } from '../args.js';
import { enforceSafety } from '../enforce-safety.js';
import { EXIT } from '../errors.js';
import { paintFor, writeUserFile, type Io } from '../io.js';
import { readApiKey } from '../api-key.js';
import { ownersToShow, type Owners } from '../owners.js';
import { connect, planFile } from '../pipeline.js';
import { renderJson, toPlanFile, type PlanFile } from '../plan-file.js';
import { renderMarkdown } from '../render-markdown.js';
import { renderText } from '../render-text.js';

/**
 * `gatesync plan`: prints what apply would change. The plan is printed in
 * full even when it is refused as unsafe (exit 3), so the reviewer sees why.
 * Files are written before stdout, so that a failure to write one leaves
 * stdout holding the error alone.
 */
export async function planCommand(args: Args, io: Io): Promise<number> {
  const provider = connect(args, io, await readApiKey(args, io));
  try {
    const { config, plan, check, declaredIn } = await planFile(provider, args, io);
    const file = toPlanFile(plan, { ...config, paths: args.config }, args.workspaces, config.safety, check, declaredIn);
    const owners = ownersToShow(config, declaredIn);
    if (args.out) await writeUserFile(resolvePath(io.cwd, args.out), renderJson(file), '--out');
    if (io.env.GITHUB_STEP_SUMMARY) {
      await writeUserFile(io.env.GITHUB_STEP_SUMMARY, renderMarkdown(plan, check, undefined, owners) + '\n', 'GITHUB_STEP_SUMMARY', true);
    }
    io.stdout(renderPlan(plan, file, check, args.format, io, owners));
    enforceSafety(check, io);
    return args.detailedExitcode && plan.summary.total > 0 ? EXIT.changes : EXIT.ok;
  } finally {
    await provider.close();
  }
}

function renderPlan(plan: Plan, file: PlanFile, check: SafetyCheck, format: Args['format'], io: Io, owners: Owners | undefined): string {
  if (format === 'json') return renderJson(file);
  if (format === 'markdown') return renderMarkdown(plan, check, undefined, owners);
  return renderText(plan, paintFor(io, 'stdout'), check, owners);
}
