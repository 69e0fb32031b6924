/**
 * The `yaml` package, loaded on first use. Plain block files, which the
 * one-pass reader takes (`block-yaml.ts`), never need it, and loading it
 * costs about 20 ms of every run that reads the organization: that start
 * is time the network waits.
 */
import { createRequire } from 'node:module';

type Yaml = typeof import('yaml');

let loaded: Yaml | undefined;

export function yaml(): Yaml {
  loaded ??= createRequire(import.meta.url)('yaml') as Yaml;
  return loaded;
}
