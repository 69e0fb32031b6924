/**
 * The wording of schema errors: what was expected and what the file has,
 * placed at the value (or, for unknown and missing fields, at the key), with
 * a hint where a common mistake explains the error.
 */
import type { ErrorObject } from 'ajv/dist/2020.js';
import { yaml } from './yaml-lib.js';
import { KEY_PREFIX, MEMBER_REF_PATTERN, parseMemberRef, PROTECTED_REF_PATTERN } from '../model/member-refs.js';
import { suggest } from '../model/suggest.js';
import type { SourceLocation } from '../model/config.js';
import { fromPointer, type Locator } from './yaml-locations.js';

type SchemaNode = Record<string, unknown>;

export interface Explanation {
  location: SourceLocation;
  message: string;
  hint?: string;
  /** For an unknown field: the known field it is probably a typo of. */
  suggested?: string;
}

export function explainSchemaError(error: ErrorObject, locator: Locator): Explanation {
  const path = fromPointer(error.instancePath);
  const subject = subjectOf(path);
  const parent = error.parentSchema ?? {};
  const params = error.params as Record<string, unknown>;
  const at = locator.at(path);
  switch (error.keyword) {
    case 'additionalProperties': {
      const field = String(params.additionalProperty);
      const allowed = Object.keys(isRecord(parent.properties) ? parent.properties : {});
      const near = suggest(field, allowed);
      return {
        location: locator.at([...path, field], 'key'),
        message: `unknown field \`${field}\``,
        hint:
          field === '<<'
            ? 'YAML merge keys are not supported: share member lists with `groups:`'
            : near !== undefined
              ? `did you mean \`${near}\`?`
              : `allowed here: ${allowed.map(quoted).join(', ')}`,
        suggested: near,
      };
    }
    case 'required': {
      const field = String(params.missingProperty);
      const example = firstExample(isRecord(parent.properties) ? parent.properties[field] : undefined);
      return {
        location: locator.at(path, 'key'),
        message: path.length === 0 ? `missing \`${field}\` at the top level` : `${subject} is missing \`${field}\``,
        hint: example === undefined ? undefined : `add it, e.g. \`${field}: ${inlineYaml(example)}\``,
      };
    }
    case 'type': {
      const expectedTypes = [params.type].flat().map(String);
      const expected = expectedTypes.map((type) => TYPE_WORDS[type] ?? type).join(' or ');
      return {
        location: at,
        message: `${subject}: expected ${expected}, got ${describeValue(error.data)}`,
        hint: typeHint(expectedTypes, error.data, path.at(-1)),
      };
    }
    case 'const':
      return {
        location: at,
        message: `${subject} must be ${JSON.stringify(params.allowedValue)}, not ${describeValue(error.data)}`,
        hint: constHint(path, params.allowedValue, error.data),
      };
    case 'minimum':
    case 'maximum': {
      const bound = error.keyword === 'minimum' ? 'at least' : 'at most';
      return { location: at, message: `${subject} must be ${bound} ${String(params.limit)}, not ${describeValue(error.data)}` };
    }
    case 'maxItems': {
      const count = Array.isArray(error.data) ? error.data.length : Number.NaN;
      return {
        location: locator.at(path, 'key'),
        message: `${subject} has ${formatCount(count)} entries, more than the limit of ${formatCount(Number(params.limit))}`,
      };
    }
    case 'minLength':
      return error.propertyName === undefined
        ? { location: at, message: `${subject} must not be empty` }
        : { location: locator.at([...path, error.propertyName], 'key'), message: `empty key in ${subject}`, hint: 'give it a name' };
    case 'pattern':
      return explainPattern(error, path, subject, locator);
    case 'oneOf':
    case 'anyOf': {
      const fields = fieldChoice(error.schema);
      if (fields !== undefined) return explainFieldChoice(fields, path, subject, parent, locator);
      return { location: at, message: `${subject}: expected ${describeAlternatives(error.schema)}, got ${describeValue(error.data)}` };
    }
    default:
      return { location: at, message: `${subject} ${error.message ?? 'is not valid'}` };
  }
}

const TYPE_WORDS: Record<string, string> = {
  array: 'a list',
  object: 'a mapping',
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  null: 'nothing',
};

/** The usual reasons for a wrong type, and their fixes. */
function typeHint(expectedTypes: readonly string[], data: unknown, field: string | undefined): string | undefined {
  const expects = (type: string): boolean => expectedTypes.includes(type);
  const empty = data === null || data === undefined;
  if (field === undefined) return 'a gatesync file is a mapping that starts with `version: 1`';
  if (expects('boolean') && typeof data === 'string') {
    return /^(true|false)$/i.test(data) ? 'remove the quotes' : `YAML 1.2 reads \`${data}\` as text: write \`true\` or \`false\``;
  }
  if ((expects('number') || expects('integer')) && typeof data === 'string') {
    return 'write the number alone, without quotes, `%` or units';
  }
  if (expects('string') && isRecord(data)) {
    const keys = Object.keys(data);
    if (keys.length === 1 && keys[0]!.toLowerCase() === 'group') {
      return `write \`group:${String(data[keys[0]!])}\` with no space after the colon (YAML reads \`group: NAME\` as a mapping)`;
    }
    return 'quote the entry if it contains `: `';
  }
  if (expects('string') && empty) return 'remove the empty entry';
  if (expects('array') && empty) return `write \`- entry\` lines below \`${field}\`, or \`[]\` for an empty list`;
  if (expects('array') && typeof data === 'string') {
    return `write a list: \`${field}: [${data}]\`, or one \`- ${data}\` line per entry below it`;
  }
  if (expects('object') && empty) return `add its fields below \`${field}\`, indented`;
  return undefined;
}

function constHint(path: readonly string[], allowed: unknown, data: unknown): string | undefined {
  if (typeof data === 'string' && data === String(allowed)) return `remove the quotes: \`${path.at(-1) ?? 'value'}: ${data}\``;
  if (path.length === 1 && path[0] === 'version') return 'this gatesync reads version 1 of the file format';
  return undefined;
}

/**
 * A value that does not match a schema `pattern`, in words: member refs get
 * the loader's own explanation; other values the schema's
 * `patternErrorMessage`, which editors show too. The regex itself is never
 * shown: it says what is allowed only to someone who reads regexes.
 */
function explainPattern(error: ErrorObject, path: readonly string[], subject: string, locator: Locator): Explanation {
  const schema = error.parentSchema ?? {};
  const hint = typeof schema.patternErrorMessage === 'string' ? schema.patternErrorMessage : undefined;
  const what = String(schema.title ?? 'value').toLowerCase();
  if (error.propertyName !== undefined) {
    return {
      location: locator.at([...path, error.propertyName], 'key'),
      message: `\`${error.propertyName}\` is not a valid ${what}`,
      hint,
    };
  }
  const memberRef = error.schema === MEMBER_REF_PATTERN || (error.schema === PROTECTED_REF_PATTERN && !String(error.data).startsWith(KEY_PREFIX));
  if (memberRef && typeof error.data === 'string') {
    const parsed = parseMemberRef(error.data);
    if ('problem' in parsed) return { location: locator.at(path), ...parsed.problem };
  }
  return { location: locator.at(path), message: `${subject}: ${describeValue(error.data)} is not a valid ${what}`, hint };
}

/** How a message names the value at `path`: the field, or the list entry. */
function subjectOf(path: readonly string[]): string {
  const last = path.at(-1);
  if (last === undefined) return 'the file';
  if (/^\d+$/.test(last) && path.length > 1) return `entry ${Number(last) + 1} of \`${path.at(-2)}\``;
  return quoted(last);
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return String(value);
  return Array.isArray(value) ? 'a list' : 'a mapping';
}

/** "a list or a mapping with `members` or `keys`", from the branches of a `oneOf`. */
function describeAlternatives(branches: unknown): string {
  if (!Array.isArray(branches)) return 'another kind of value';
  return branches
    .filter(isRecord)
    .map((branch) => {
      const word = TYPE_WORDS[String(branch.type)] ?? String(branch.type);
      const required = Array.isArray(branch.required) ? branch.required.map(String).map(quoted).join(', ') : undefined;
      const choice = fieldChoice(branch.anyOf)?.map(quoted).join(' or ');
      const fields = required ?? choice;
      return fields === undefined ? word : `${word} with ${fields}`;
    })
    .join(' or ');
}

/**
 * The fields of an `anyOf` whose branches each only require one field (a
 * mapping must have at least one of them), or `undefined` for any other
 * list of branches.
 */
export function fieldChoice(branches: unknown): string[] | undefined {
  if (!Array.isArray(branches) || branches.length === 0) return undefined;
  const fields: string[] = [];
  for (const branch of branches) {
    const required = isRecord(branch) && Object.keys(branch).length === 1 ? branch.required : undefined;
    if (!Array.isArray(required) || required.length !== 1) return undefined;
    fields.push(String(required[0]));
  }
  return fields;
}

/** A mapping with none of the fields it must have one of: at its key, with an example of each. */
function explainFieldChoice(
  fields: readonly string[],
  path: readonly string[],
  subject: string,
  parent: SchemaNode,
  locator: Locator,
): Explanation {
  const properties = isRecord(parent.properties) ? parent.properties : {};
  const examples = fields.map((field) => {
    const example = firstExample(properties[field]);
    return quoted(example === undefined ? field : `${field}: ${inlineYaml(example)}`);
  });
  const none = fields.length === 2 ? `neither ${quoted(fields[0]!)} nor ${quoted(fields[1]!)}` : `none of ${fields.map(quoted).join(', ')}`;
  return {
    location: locator.at(path, 'key'),
    message: `${subject} has ${none}`,
    hint: `add at least one: ${examples.join(' or ')}`,
  };
}

function firstExample(property: unknown): unknown {
  return isRecord(property) && Array.isArray(property.examples) ? property.examples[0] : undefined;
}

function inlineYaml(value: unknown): string {
  return yaml().stringify(value, { collectionStyle: 'flow', lineWidth: 0 }).trim();
}

function formatCount(count: number): string {
  return Number.isNaN(count) ? 'too many' : count.toLocaleString('en-US');
}

function quoted(name: string): string {
  return `\`${name}\``;
}

export function isRecord(value: unknown): value is SchemaNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
