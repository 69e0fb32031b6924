import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, relative, resolve as resolvePath, sep } from 'node:path';
import { renderConfig, renderSplitConfig } from '../../resolution/render-config.js';
import type { Observed } from '../../model/observed.js';
import { observe } from '../../providers/observe.js';
import type { Args } from '../args.js';
import { EXIT, UsageError } from '../errors.js';
import { writeOutput, writeUserFile, type Io } from '../io.js';
import { readApiKey } from '../api-key.js';
import { connect } from '../pipeline.js';

/** The schema as an installed gatesync package holds it, from the folder that installed it. */
const INSTALLED_SCHEMA = join('node_modules', 'gatesync', 'schemas', 'gatesync.schema.json');
/** Where the README recommends committing a copy of the schema when gatesync is not installed in the repository. */
const COMMITTED_SCHEMA = 'gatesync.schema.json';

const NOTHING_TO_EXPORT =
  "nothing to export: the default workspace's membership is implicit, and it has no guardrail but its default one";

/**
 * `gatesync export`: writes a config that matches live state, so adopting
 * gatesync is export, commit, and a plan with no changes (see
 * `renderConfig`). With `--split DIR`, one file per workspace in DIR.
 */
export async function exportCommand(args: Args, io: Io): Promise<number> {
  if (args.split !== undefined && args.output !== undefined) {
    throw new UsageError('export takes --split DIR or -o FILE, not both', false, 'use --split to write one file per workspace into DIR');
  }
  const provider = connect(args, io, await readApiKey(args, io));
  try {
    const keys = args.workspaces.length ? args.workspaces : (await provider.listWorkspaces()).map((w) => w.slug);
    const observed = await observe(provider, { workspaces: keys.map((key) => ({ key, guardrailKeys: [], readsKeys: true })) });
    const missing = keys.filter((key) => !observed.workspacesByKey.get(key));
    if (missing.length) throw new UsageError(`--workspace ${missing.join(', ')}: no such workspace`);
    if (args.split !== undefined) {
      await writeSplit(observed, args.split, io);
      return EXIT.ok;
    }
    const target = args.output ? resolvePath(io.cwd, args.output) : undefined;
    const text = renderConfig(observed, { schemaRef: schemaRefFor(dirname(target ?? join(io.cwd, 'gatesync.yaml'))) });
    if (text === undefined) throw new UsageError(NOTHING_TO_EXPORT);
    await writeOutput(io, args.output, text);
    return EXIT.ok;
  } finally {
    await provider.close();
  }
}

/**
 * Writes one file per workspace into `folder` (made if missing). Refuses,
 * writing nothing, when any of those files exists: an export must not
 * overwrite a team's file, nor mix with an older export.
 */
async function writeSplit(observed: Observed, folder: string, io: Io): Promise<void> {
  const target = resolvePath(io.cwd, folder);
  const files = renderSplitConfig(observed, { schemaRef: schemaRefFor(target) });
  if (files.size === 0) throw new UsageError(NOTHING_TO_EXPORT);
  const existing = [...files.keys()].filter((name) => existsSync(join(target, name)));
  if (existing.length) {
    throw new UsageError(
      `--split ${folder}: ${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''}; nothing was written`,
      false,
      'export into a new or empty folder, then compare or move the files',
    );
  }
  try {
    await mkdir(target, { recursive: true });
  } catch (error) {
    throw new UsageError(`cannot make the folder --split ${folder}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  for (const [name, text] of files) await writeUserFile(join(target, name), text, '--split');
  io.stderr(`wrote ${files.size} file${files.size === 1 ? '' : 's'} into ${folder}\n`);
}

/**
 * The modeline's schema, relative to the folder the file is written to: the
 * schema of a gatesync package installed in that folder or above it, else a
 * copy committed beside the file (which the README explains how to make).
 */
export function schemaRefFor(folder: string): string {
  for (let dir = folder; ; dir = dirname(dir)) {
    if (existsSync(join(dir, INSTALLED_SCHEMA))) return asRelativeRef(relative(folder, join(dir, INSTALLED_SCHEMA)));
    if (dirname(dir) === dir) return `./${COMMITTED_SCHEMA}`;
  }
}

function asRelativeRef(path: string): string {
  const posix = path.split(sep).join('/');
  return posix.startsWith('../') ? posix : `./${posix}`;
}
