/**
 * A saved plan is untrusted input, applied only while it is still true: it
 * must match the plan schema, the configuration must be the set of files it
 * was made from, each unchanged, and planning that file again now must read the same
 * organization and give the same plan, field for field. What apply then
 * executes, and the limits it checks, come from that fresh plan and the
 * configuration — never from the saved file.
 */
import { readFile } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import { planDrift } from '../plan/drift.js';
import type { SafetyCheck } from '../plan/safety.js';
import type { Plan } from '../model/plan.js';
import type { HttpProvider } from '../providers/http-provider.js';
import type { Args } from './args.js';
import { StalePlanError, UsageError } from './errors.js';
import type { Io } from './io.js';
import type { Config } from '../model/config.js';
import { loadConfig } from './load-config.js';
import { ownersToShow, type Owners } from './owners.js';
import { buildPlan } from './pipeline.js';
import { planOf, renderJson, toPlanFile, type PlanConfig, type PlanFile } from './plan-file.js';
import { parsePlanFile } from './read-plan-file.js';

export interface SavedPlan {
  /** As the user wrote it on the command line. */
  path: string;
  file: PlanFile;
}

/** Reads and checks the file offline, and refuses a `--workspace` other than the plan's own. */
export async function readSavedPlan(path: string, args: Args, io: Io): Promise<SavedPlan> {
  let text: string;
  try {
    text = await readFile(resolvePath(io.cwd, path), 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the plan file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  let file: PlanFile;
  try {
    file = parsePlanFile(text, path);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  checkWorkspaceSelection(path, file, args.workspaces);
  return { path, file };
}

/**
 * A saved plan is applied whole: `--workspace` may only repeat the
 * workspaces it was made for. Applying part of a reviewed plan would apply
 * something nobody reviewed, checked against limits meant for the whole.
 */
function checkWorkspaceSelection(path: string, file: PlanFile, workspaces: string[]): void {
  if (workspaces.length === 0) return;
  const same = (a: string[], b: string[]) => JSON.stringify([...new Set(a)].sort()) === JSON.stringify([...new Set(b)].sort());
  if (same(workspaces, file.workspaces)) return;
  const covers = file.workspaces.length ? `workspace${file.workspaces.length === 1 ? '' : 's'} ${file.workspaces.join(', ')}` : `every workspace of ${file.config.file}`;
  const asked = workspaces.map((w) => `--workspace ${w}`).join(' ');
  throw new UsageError(
    `apply ${path} ${asked}: a saved plan is applied whole, and ${path} covers ${covers}`,
    false,
    `to apply only ${workspaces.join(', ')}, run \`gatesync plan ${asked} --out ${path}\` and apply that plan`,
  );
}

/**
 * Throws `StalePlanError` when the file or the organization changed since
 * the plan was made, or when the saved file says anything that planning
 * again does not (a hand-edited summary, limits or changes).
 */
export async function verifySavedPlan(
  saved: SavedPlan,
  provider: HttpProvider,
  args: Args,
  io: Io,
): Promise<{ plan: Plan; check: SafetyCheck; owners: Owners | undefined }> {
  const { path, file } = saved;
  const paths = args.configGiven ? args.config : (file.config.paths ?? [file.config.file]);
  const config = await loadConfig({ ...args, config: paths, workspaces: file.workspaces }, io);
  const changed = configChanges(file.config, config);
  if (changed.length) {
    throw new StalePlanError(`${changed.join('; ')} since this plan was made; run plan again`);
  }
  // The engine checked the fresh plan against the configuration's limits, never the saved file's.
  const { plan: fresh, declaredIn, check } = await buildPlan(config, provider, args, io);
  const drift = planDrift(planOf(file), fresh);
  if (drift.length) {
    throw new StalePlanError(`the organization changed since this plan was made (${drift.join('; ')}); run plan again`);
  }
  const remade = toPlanFile(fresh, { ...config, paths }, file.workspaces, config.safety, check, declaredIn);
  const edited = firstDifference(comparable(file), comparable(JSON.parse(renderJson(remade)) as PlanFile));
  if (edited) {
    throw new StalePlanError(
      `${path} at ${edited.path}: the file says ${edited.saved}, but planning ${config.file} now gives ${edited.fresh}; ` +
        `the plan file was edited after it was made. Run plan again`,
    );
  }
  return { plan: fresh, check, owners: ownersToShow(config, declaredIn) };
}

/**
 * How the configuration read now differs from the one the plan recorded:
 * each file added, removed or changed. One file on each side is compared
 * by content alone, so `-c` may spell its path differently (as it may for
 * plans of versions that recorded no file list).
 */
function configChanges(saved: PlanConfig, now: Config): string[] {
  const savedFiles = saved.files ?? [];
  if (savedFiles.length <= 1 && now.files.length === 1) return now.hash === saved.sha256 ? [] : [`${now.file} changed`];
  const then = new Map(savedFiles.map((file) => [file.path, file.sha256]));
  const current = new Map(now.files.map((file) => [file.path, file.sha256]));
  return [
    ...now.files.filter((file) => !then.has(file.path)).map((file) => `${file.path} was added`),
    ...savedFiles.filter((file) => !current.has(file.path)).map((file) => `${file.path} was removed`),
    ...now.files.filter((file) => then.has(file.path) && then.get(file.path) !== file.sha256).map((file) => `${file.path} changed`),
  ];
}

/**
 * The fields planning again must reproduce: all but how the configuration
 * is named (`-c` may spell it differently; its files and their hashes are
 * checked before) and the safety verdict, which apply gives again for its
 * own run.
 */
function comparable(file: PlanFile): unknown {
  const { safety_check: _verdict, config, declared_in: _declaredIn, ...rest } = file;
  return { ...rest, config: { sha256: config.sha256 } };
}

interface Difference {
  path: string;
  saved: string;
  fresh: string;
}

/** The first JSON path, in document order, where two JSON values differ. */
function firstDifference(saved: unknown, fresh: unknown, path = ''): Difference | undefined {
  if (Object.is(saved, fresh)) return undefined;
  const bothArrays = Array.isArray(saved) && Array.isArray(fresh);
  const bothObjects = isObject(saved) && isObject(fresh);
  if (!bothArrays && !bothObjects) return { path: path || '/', saved: show(saved), fresh: show(fresh) };
  if (bothArrays && saved.length !== fresh.length) {
    const shorter = Math.min(saved.length, fresh.length);
    for (let index = 0; index < shorter; index++) {
      const difference = firstDifference(saved[index], fresh[index], `${path}/${index}`);
      if (difference) return difference;
    }
    return { path: path || '/', saved: `${saved.length} entries`, fresh: `${fresh.length}` };
  }
  const a = saved as Record<string, unknown>;
  const b = fresh as Record<string, unknown>;
  for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) {
    const difference = firstDifference(a[key], b[key], `${path}/${key}`);
    if (difference) return difference;
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
