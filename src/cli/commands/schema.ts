import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Args } from '../args.js';
import { EXIT } from '../errors.js';
import { writeOutput, type Io } from '../io.js';
import { packageRoot } from '../../package-root.js';

/** `gatesync schema [-o FILE]`: the configuration file's JSON Schema, byte for byte as shipped, for editors and other tools. */
export async function schemaCommand(args: Args, io: Io): Promise<number> {
  await writeOutput(io, args.output, await readFile(join(packageRoot(), 'schemas', 'gatesync.schema.json'), 'utf8'));
  return EXIT.ok;
}
