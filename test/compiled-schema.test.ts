/** The schema compiled ahead of time is the schema of today. */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMPILED_SCHEMA_PATH, compiledSchemaSource } from './support/compile-schema.js';

describe('compiled schema', () => {
  it('src/config/compiled-schema.ts is generated from schemas/gatesync.schema.json as it is now', () => {
    const source = compiledSchemaSource();
    if (process.env.UPDATE_COMPILED_SCHEMA === '1') writeFileSync(COMPILED_SCHEMA_PATH, source);
    expect(readFileSync(COMPILED_SCHEMA_PATH, 'utf8'), 'stale: run UPDATE_COMPILED_SCHEMA=1 npx vitest run test/compiled-schema.test.ts').toBe(source);
  });
});
