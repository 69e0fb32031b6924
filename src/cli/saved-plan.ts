/**
 * A saved plan is applied only while it is still true: the file must be the
 * one it was made from, and every resource it read must look the same now.
 */
import { readFile } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import type { Plan, PlannedResource } from '../plan/types.js';
import { fingerprintOf } from '../plan/plan.js';
import type { Provider } from '../providers/provider.js';
import { observe, type Observed } from '../providers/observe.js';
import type { Args } from './args.js';
import { StalePlanError, UsageError } from './errors.js';
import type { Io } from './io.js';
import { loadConfig } from './pipeline.js';
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
export async function verifySavedPlan(file: PlanFile, provider: Provider, args: Args, io: Io): Promise<Plan> {
  const config = await loadConfig({ ...args, workspaces: [] }, io);
  if (config.hash !== file.config.sha256) {
    throw new StalePlanError(`${args.config} changed since this plan was made; run plan again`);
  }
  const workspaceIds = [...new Set(file.resources.map((r) => r.workspaceId))];
  const observed = await observe(provider, { workspaces: workspaceIds.map((key) => ({ key, guardrailKeys: [] })) });
  const drift = file.resources.flatMap((resource) => {
    const differ = differingMembers(resource, observed);
    return differ === 0 ? [] : [`${resource.label}: ${differ === 'gone' ? 'no longer exists' : `${differ} member${differ === 1 ? '' : 's'} differ${differ === 1 ? 's' : ''}`}`];
  });
  if (drift.length) {
    throw new StalePlanError(`the organization changed since this plan was made (${drift.join('; ')}); run plan again`);
  }
  return planOf(file);
}

function differingMembers(resource: PlannedResource, observed: Observed): number | 'gone' {
  const workspace = observed.workspacesByKey.get(resource.workspaceId);
  const members = resource.type === 'workspace' ? workspace?.members : workspace?.guardrails.get(resource.id)?.members;
  if (!members) return 'gone';
  const now = [...members].sort();
  if (fingerprintOf(now) === resource.fingerprint) return 0;
  const then = new Set(resource.userIds);
  let differ = 0;
  for (const userId of now) if (!then.has(userId)) differ++;
  const current = new Set(now);
  for (const userId of then) if (!current.has(userId)) differ++;
  return differ;
}
