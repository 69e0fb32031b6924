/**
 * Compiles `schemas/gatesync.schema.json` ahead of time into
 * `src/config/compiled-schema.ts` (ajv's standalone code), so that loading a
 * file neither loads ajv's compiler nor compiles the schema.
 * `test/compiled-schema.test.ts` fails while the committed module is stale;
 * `UPDATE_COMPILED_SCHEMA=1 npx vitest run test/compiled-schema.test.ts`
 * rewrites it.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import standaloneCode from 'ajv/dist/standalone/index.js';
import schema from '../../schemas/gatesync.schema.json' with { type: 'json' };
import { isRecord } from '../../src/config/schema-errors.js';
import { fromPointer } from '../../src/config/yaml-locations.js';

type SchemaNode = Record<string, unknown>;

export const COMPILED_SCHEMA_PATH = new URL('../../src/config/compiled-schema.ts', import.meta.url);

export function compiledSchemaSource(): string {
  // `patternErrorMessage` is the editors' keyword for a readable pattern mismatch: an annotation to ajv.
  // A choice of fields (`anyOf` of `required`) names fields its parent defines, which ajv's `strictRequired` does not look up.
  const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, strictRequired: false, code: { source: true, esm: true } }).addKeyword(
    'patternErrorMessage',
  );
  // The package is CommonJS: its default export, seen from an ES module, is under `default`.
  const code = standaloneCode.default(ajv, ajv.compile(withRefsInlined(schema) as SchemaNode));
  return [
    '// @ts-nocheck',
    '/* Generated from schemas/gatesync.schema.json by test/support/compile-schema.ts: do not edit. */',
    // ajv's standalone code reaches its runtime helpers with `require`, which an ES module must create.
    "import { createRequire } from 'node:module';",
    'const require = createRequire(import.meta.url);',
    code.replace(/^"use strict";/, ''),
    '',
  ].join('\n');
}

/** Keywords whose values are data, not subschemas. */
const DATA_KEYWORDS = new Set(['examples', 'default', 'const', 'enum']);

/**
 * The schema with each local `$ref` replaced by a copy of its target (the
 * schema is not recursive, so this ends). ajv compiles a `$ref` to a separate
 * function and merges its errors by copying the whole error list, which is
 * quadratic when thousands of entries fail; inlined, each error is pushed once.
 */
function withRefsInlined(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withRefsInlined);
  if (!isRecord(node)) return node;
  const inlined: SchemaNode = {};
  for (const [keyword, value] of Object.entries(node)) {
    if (keyword === '$ref' || keyword === '$defs') continue;
    inlined[keyword] = DATA_KEYWORDS.has(keyword) ? value : withRefsInlined(value);
  }
  const ref = node.$ref;
  if (typeof ref !== 'string') return inlined;
  let target: unknown = schema;
  for (const segment of fromPointer(ref.replace(/^#/, ''))) target = isRecord(target) ? target[segment] : undefined;
  if (!isRecord(target)) throw new Error(`gatesync.schema.json: unresolved $ref ${ref}`);
  return { ...(withRefsInlined(target) as SchemaNode), ...inlined };
}
