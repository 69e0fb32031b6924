/**
 * A configuration split across files, one per team: `-c` names files and
 * folders, every `*.yaml` and `*.yml` file under a folder is one part, and
 * the parts merge into the one `Config` the rest of gatesync uses (see
 * `buildConfig` for the merge rules and the conflicts).
 *
 * Each file is read and parsed on its own, with every limit of a single
 * file; the set as a whole is held to the size, entry and group expansion
 * limits of one file, so splitting a hostile file gains nothing.
 */
import { stat, readdir } from 'node:fs/promises';
import { join, resolve as resolvePath, sep } from 'node:path';
import { buildSteps, type ParsedConfig } from './build-config.js';
import { diagnostic } from './diagnostics.js';
import { MAX_FILE_BYTES, MAX_FILE_ENTRIES } from './limits.js';
import { capped, internalError, parseConfig } from './load-config.js';
import { readSource } from './read-config.js';
import { formatBytes } from './source-guards.js';
import type { Diagnostic, LoadResult } from '../model/config.js';

/** One file of the set: where it is, and how diagnostics and plans name it. */
export interface ConfigSource {
  path: string;
  /** The `-c` argument, joined with the path under it when the argument is a folder. */
  label: string;
}

export interface SourceProblem {
  message: string;
  hint: string;
}

const CONFIG_EXTENSIONS = ['.yaml', '.yml'];
/** Never parts of a configuration: dependencies, and hidden entries such as `.git` and `.github` (whose workflows are YAML too). */
const SKIPPED_FOLDER = 'node_modules';

/**
 * The files the `-c` arguments name, in order: each argument in turn, a
 * folder's files sorted by their path under it (byte order), each file
 * once. A name that does not exist is kept, for `readConfigSet` to report
 * at its place; a folder without any configuration file is a problem.
 */
export async function configSources(named: readonly string[], cwd: string): Promise<{ sources: ConfigSource[] } | { problem: SourceProblem }> {
  const sources: ConfigSource[] = [];
  const seen = new Set<string>();
  const add = (path: string, label: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    sources.push({ path, label });
  };
  for (const argument of named) {
    const path = resolvePath(cwd, argument);
    const isFolder = await stat(path).then((info) => info.isDirectory(), () => false);
    if (!isFolder) {
      add(path, argument);
      continue;
    }
    let files: string[];
    try {
      files = await filesUnder(path);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      return { problem: { message: `-c ${argument}: cannot read the folder (${reason})`, hint: 'check that the folder and the folders under it can be read' } };
    }
    if (files.length === 0) {
      return {
        problem: {
          message: `-c ${argument}: the folder holds no .yaml or .yml file`,
          hint: 'name the folder that holds the configuration files (hidden folders and node_modules are not searched), or a file',
        },
      };
    }
    for (const file of files) add(join(path, file), join(argument, file).split(sep).join('/'));
  }
  return { sources };
}

/** Skipped folders are not even listed: a repository's `.git` or `node_modules` may be large. */
async function filesUnder(folder: string, under = ''): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(join(folder, under), { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === SKIPPED_FOLDER) continue;
    const path = under === '' ? entry.name : `${under}/${entry.name}`;
    if (entry.isDirectory()) files.push(...(await filesUnder(folder, path)));
    else if (CONFIG_EXTENSIONS.some((extension) => entry.name.endsWith(extension)) && (await isFile(join(folder, path)))) files.push(path);
  }
  return files.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

/** A symbolic link to a file counts; one to a folder is not followed, so no walk can loop. */
async function isFile(path: string): Promise<boolean> {
  return stat(path).then((info) => info.isFile(), () => false);
}

/**
 * Reads, parses and merges the files. Never throws; every diagnostic names
 * its file, and they come in file order, then by position. `config` is
 * present exactly when no file has an error.
 */
export async function readConfigSet(sources: readonly ConfigSource[]): Promise<LoadResult> {
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const oversize = await setOversize(sources);
  if (oversize !== undefined) return { errors: [oversize], warnings };
  const parts: ParsedConfig[] = [];
  let entries = 0;
  for (const source of sources) {
    const read = await readSource(source.path, source.label);
    const parsed = 'text' in read ? parseConfig(read.text, source.label) : read;
    await breathe();
    errors.push(...parsed.errors);
    warnings.push(...parsed.warnings);
    if (!('parsed' in parsed) || parsed.parsed === undefined) continue;
    parts.push(parsed.parsed);
    // Each file is bounded on its own; the count stops the set before the next file is parsed.
    entries += entriesIn(parsed.parsed.raw);
    if (entries > MAX_FILE_ENTRIES) {
      errors.push(
        diagnostic(
          'error',
          { file: source.label, line: 1, col: 1, path: '' },
          `the configuration's files hold more than ${MAX_FILE_ENTRIES.toLocaleString('en-US')} entries (list items and mapping keys) with this one, the limit of a configuration`,
          'check that -c names only the configuration files',
        ),
      );
      break;
    }
  }
  if (errors.length > 0) return { errors: capped(errors), warnings: capped(warnings) };
  let built: LoadResult;
  try {
    built = await stepsBreathing(buildSteps(parts));
  } catch (error) {
    return { errors: [internalError(parts[0]!.locator.file, error)], warnings };
  }
  const rank = new Map(sources.map((source, index) => [source.label, index]));
  return {
    ...built,
    errors: capped(inFileOrder(built.errors, rank)),
    warnings: capped([...warnings, ...inFileOrder(built.warnings, rank)]),
  };
}

/**
 * Parsing and building are long runs of CPU work. The organization is read
 * meanwhile (`startReading`): after each file's parse and every few
 * milliseconds of the build, answers that arrived get their follow-up
 * requests sent, instead of waiting for the whole file.
 */
function breathe(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** CPU work longer than this between breaths would hold an answer back for a good part of a round trip. */
const BREATH_MS = 8;

async function stepsBreathing<T>(steps: Generator<void, T, void>): Promise<T> {
  let since = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() - since < BREATH_MS) continue;
    await breathe();
    since = performance.now();
  }
}

/** The set may be no larger than one file may be. */
async function setOversize(sources: readonly ConfigSource[]): Promise<Diagnostic | undefined> {
  if (sources.length < 2) return undefined;
  const sizes = await Promise.all(sources.map((source) => stat(source.path).then((info) => info.size, () => 0)));
  let total = 0;
  for (const [index, size] of sizes.entries()) {
    total += size;
    if (total <= MAX_FILE_BYTES) continue;
    return diagnostic(
      'error',
      { file: sources[index]!.label, line: 1, col: 1, path: '' },
      `the configuration's files add up to ${formatBytes(total)} with this one, over the ${formatBytes(MAX_FILE_BYTES)} limit of a configuration`,
      'check that -c names only the configuration files',
    );
  }
  return undefined;
}

/** List items and mapping keys, as the single-file limit counts them. */
function entriesIn(value: unknown): number {
  let count = 0;
  const pending: unknown[] = [value];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (typeof next !== 'object' || next === null) continue;
    const children = Array.isArray(next) ? next : Object.values(next);
    count += children.length;
    // One push per child: a spread of a million arguments would overflow the stack.
    for (const child of children) if (typeof child === 'object' && child !== null) pending.push(child);
  }
  return count;
}

function inFileOrder(diagnostics: readonly Diagnostic[], rank: ReadonlyMap<string, number>): Diagnostic[] {
  const of = (d: Diagnostic) => rank.get(d.location.file) ?? 0;
  return [...diagnostics].sort((a, b) => of(a) - of(b) || a.location.line - b.location.line || a.location.col - b.location.col);
}
