/** The management key, from where the user put it; never from the YAML file. */
import { readFile } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import { apiKeyProblem } from '../providers/api-key.js';
import type { Args } from './args.js';
import { UsageError } from './errors.js';
import type { Io } from './io.js';

/** Why a key file could not be read, in words, by error code. */
const KEY_FILE_ERRORS: Record<string, string> = {
  ENOENT: 'there is no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a folder, not a file',
};

/**
 * The management key: `--api-key-file` first, then MODELGATES_API_KEY. Never
 * from the YAML file. A key too short or malformed to be real is refused
 * here, before anything is sent or masked with it.
 */
export async function readApiKey(args: Args, io: Io): Promise<string> {
  if (args.managementKey) return args.managementKey;
  const source = apiKeySource(args);
  let key: string | undefined;
  if (args.apiKeyFile) {
    const path = resolvePath(io.cwd, args.apiKeyFile);
    try {
      key = (await readFile(path, 'utf8')).trim();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      throw new UsageError(`cannot read ${source}: ${KEY_FILE_ERRORS[code] ?? code} (looked for ${path}); check the path, which is relative to the current folder`);
    }
    if (!key) throw new UsageError(`${source} is empty: put the management key in it`);
  } else {
    key = io.env.MODELGATES_API_KEY?.trim();
    if (!key) throw new UsageError('no management key: set MODELGATES_API_KEY or pass --api-key-file FILE');
  }
  const problem = apiKeyProblem(key);
  if (problem !== undefined) throw new UsageError(`the management key in ${source} is not usable: ${problem}; check ${source}`);
  return key;
}

export function apiKeySource(args: Args): string {
  return args.apiKeyFile ? `--api-key-file ${args.apiKeyFile}` : 'MODELGATES_API_KEY';
}

