import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../cli/package-root.js';

let userAgent: string | undefined;

/** `gatesync/<version>`, the version read from package.json once per process. */
export function gatesyncUserAgent(): string {
  userAgent ??= `gatesync/${(JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version}`;
  return userAgent;
}
