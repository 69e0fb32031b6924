/**
 * A saved plan is applied only while it is still true: the file must be the
 * one it was made from, and planning that file again now must read the same
 * organization and give the same changes.
 */
import { readFile } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import { planDrift } from '../plan/drift.js';
import type { Plan } from '../plan/types.js';
import type { HttpProvider } from '../providers/http-provider.js';
import type { Args } from './args.js';
import { StalePlanError, UsageError } from './errors.js';
import type { Io } from './io.js';
import { buildPlan, loadConfig } from './pipeline.js';
import { parsePlanFile, planOf, type PlanFile } from './plan-file.js';

export async function readSavedPlan(path: string, io: Io): Promise<PlanFile> {
  let text: string;
  try {
    text = await readFile(resolvePath(io.cwd, path), 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the plan file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  try {
    return parsePlanFile(text, path);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Throws `StalePlanError` when the file or the organization changed since the plan was made. */
export async function verifySavedPlan(file: PlanFile, provider: HttpProvider, args: Args, io: Io): Promise<Plan> {
  const configFile = args.configGiven ? args.config : file.config.file;
  const config = await loadConfig({ ...args, config: configFile, workspaces: file.workspaces }, io);
  if (config.hash !== file.config.sha256) {
    throw new StalePlanError(`${configFile} changed since this plan was made; run plan again`);
  }
  const saved = planOf(file);
  const drift = planDrift(saved, (await buildPlan(config, provider, args, io)).plan);
  if (drift.length) {
    throw new StalePlanError(`the organization changed since this plan was made (${drift.join('; ')}); run plan again`);
  }
  return saved;
}
