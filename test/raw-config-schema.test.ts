/**
 * `raw-config.ts` types the file as the schema describes it. The schema is
 * the source of the shape: every object the types name must have the
 * schema's fields, each required or optional as the schema says.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RawConfig, RawGuardrailOptions, RawSafety, RawWorkspace } from '../src/config/raw-config.js';

/** Each field of `T`, marked as TypeScript sees it: the compiler rejects a table that misses, adds or mismarks a field. */
type Fields<T> = { [K in keyof T]-?: object extends Pick<T, K> ? 'optional' : 'required' };

interface SchemaObject {
  properties: Record<string, unknown>;
  required?: string[];
}

const schema = JSON.parse(readFileSync(new URL('../schemas/gatesync.schema.json', import.meta.url), 'utf8')) as SchemaObject & {
  $defs: Record<string, SchemaObject>;
};

function schemaFields(object: SchemaObject): Record<string, 'optional' | 'required'> {
  return Object.fromEntries(
    Object.keys(object.properties).map((field) => [field, object.required?.includes(field) ? 'required' : 'optional']),
  );
}

const rawConfig: Fields<RawConfig> = { version: 'required', groups: 'optional', safety: 'optional', protected: 'optional', workspaces: 'optional' };
const rawWorkspace: Fields<RawWorkspace> = {
  members: 'optional',
  prune: 'optional',
  allow_empty: 'optional',
  protected: 'optional',
  safety: 'optional',
  guardrails: 'optional',
};
const rawGuardrailOptions: Fields<RawGuardrailOptions> = { members: 'optional', keys: 'optional', prune: 'optional', allow_empty: 'optional' };
const rawSafety: Fields<RawSafety> = { max_removal_percent: 'optional', min_existing: 'optional', max_removals: 'optional' };

describe('raw config types', () => {
  it.each([
    ['RawConfig', rawConfig, schema],
    ['RawWorkspace', rawWorkspace, schema.$defs.workspace!],
    ['RawGuardrailOptions', rawGuardrailOptions, schema.$defs.guardrailOptions!],
    ['RawSafety', rawSafety, schema.$defs.safety!],
  ])('%s has the fields of the schema, required where the schema requires them', (_name, typed, object) => {
    expect(typed).toEqual(schemaFields(object));
  });
});
