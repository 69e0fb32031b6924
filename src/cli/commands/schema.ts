import { readFile } from 'node:fs/promises';
import { join, resolve as resolvePath } from 'node:path';
import type { Args } from '../args.js';
import { EXIT } from '../errors.js';
import { writeUserFile, type Io } from '../io.js';
import { packageRoot } from '../package-root.js';

/** `gatesync schema [-o FILE]`: the configuration file's JSON Schema, byte for byte as shipped, for editors and other tools. */
export async function schemaCommand(args: Args, io: Io): Promise<number> {
  const text = await readFile(join(packageRoot(), 'schemas', 'gatesync.schema.json'), 'utf8');
  if (args.output) {
    await writeUserFile(resolvePath(io.cwd, args.output), text, '--output');
    io.stderr(`wrote ${args.output}\n`);
  } else {
    io.stdout(text);
  }
  return EXIT.ok;
}
