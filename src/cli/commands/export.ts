import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve as resolvePath, sep } from 'node:path';
import { renderConfig } from '../../resolution/render-config.js';
import { observe } from '../../providers/observe.js';
import type { Args } from '../args.js';
import { EXIT, UsageError } from '../errors.js';
import { writeOutput, type Io } from '../io.js';
import { readApiKey } from '../api-key.js';
import { connect } from '../pipeline.js';

/** The schema as an installed gatesync package holds it, from the folder that installed it. */
const INSTALLED_SCHEMA = join('node_modules', 'gatesync', 'schemas', 'gatesync.schema.json');
/** Where the README recommends committing a copy of the schema when gatesync is not installed in the repository. */
const COMMITTED_SCHEMA = 'gatesync.schema.json';

/**
 * `gatesync export`: writes a config that matches live state, so adopting
 * gatesync is export, commit, and a plan with no changes (see
 * `renderConfig`).
 */
export async function exportCommand(args: Args, io: Io): Promise<number> {
  const provider = connect(args, io, await readApiKey(args, io));
  try {
    const keys = args.workspaces.length ? args.workspaces : (await provider.listWorkspaces()).map((w) => w.slug);
    const observed = await observe(provider, { workspaces: keys.map((key) => ({ key, guardrailKeys: [], readsKeys: true })) });
    const missing = keys.filter((key) => !observed.workspacesByKey.get(key));
    if (missing.length) throw new UsageError(`--workspace ${missing.join(', ')}: no such workspace`);
    const target = args.output ? resolvePath(io.cwd, args.output) : undefined;
    const text = renderConfig(observed, { schemaRef: schemaRefFor(dirname(target ?? join(io.cwd, 'gatesync.yaml'))) });
    if (text === undefined) {
      throw new UsageError(
        'nothing to export: the default workspace\'s membership is implicit, and it has no guardrail but its default one',
      );
    }
    await writeOutput(io, args.output, text);
    return EXIT.ok;
  } finally {
    await provider.close();
  }
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
