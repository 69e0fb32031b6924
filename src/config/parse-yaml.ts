/**
 * Text → YAML document → plain value. Every YAML-level problem becomes a
 * located diagnostic: syntax, duplicate keys, aliases that point nowhere,
 * into themselves, or expand to an "alias bomb".
 *
 * Callers must run `scanStructure` first: it bounds nesting depth, which
 * the yaml composer, `toJS` and the walk below all recurse on.
 */
import type { Alias, Document, Node, Pair, YAMLError } from 'yaml';
import { yaml } from './yaml-lib.js';
import { Diagnostics } from './diagnostics.js';
import { duplicateKeyProblem } from './source-guards.js';
import { MAX_EXPANDED_NODES, YAML_MAX_ALIAS_COUNT } from './limits.js';
import type { Diagnostic, SourceLocation } from '../model/config.js';
import { DocumentLocator, keyText, type Locator, type PathSegment } from './yaml-locations.js';

export interface ParsedYaml {
  value: unknown;
  locator: Locator;
}

export interface ParseOutcome {
  /** Present when `errors` is empty. */
  parsed?: ParsedYaml;
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

export function parseYaml(source: string, file: string): ParseOutcome {
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, {
    lineCounter,
    prettyErrors: false,
    // Duplicate keys are reported below, with the line of the first one.
    uniqueKeys: false,
    stringKeys: true,
    // Not 'silent': that also drops the "more than one document" error.
    logLevel: 'error',
  });
  const aliasTargets = new Map<Alias, Node>();
  const locator = new DocumentLocator(file, doc, lineCounter, aliasTargets);
  const diagnostics = new Diagnostics();

  reportYamlProblems(doc, source, locator, diagnostics);
  if (diagnostics.errors.length > 0) return done(diagnostics);
  if (doc.directives.yaml.explicit && doc.directives.yaml.version !== '1.2') {
    // YAML 1.1 brings merge keys (`<<`) and `no`/`yes` booleans: a list could silently inherit another's members.
    diagnostics.error(
      locator.atOffset(Math.max(0, source.indexOf('%YAML')), ''),
      `YAML ${doc.directives.yaml.version} is not supported: gatesync files are YAML 1.2`,
      'remove the `%YAML` line',
    );
    return done(diagnostics);
  }
  if (doc.contents === null) {
    diagnostics.error(
      locator.atOffset(0, ''),
      'the file is empty',
      'start with `version: 1` and a `workspaces:` mapping',
    );
    return done(diagnostics);
  }

  const aliases = inspectNodes(doc, locator, diagnostics, aliasTargets);
  if (diagnostics.errors.length > 0) return done(diagnostics);

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: YAML_MAX_ALIAS_COUNT });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    diagnostics.error(
      aliases.mostUsed ?? locator.atOffset(0, ''),
      `an anchor is repeated through aliases too often (the YAML alias limit is ${YAML_MAX_ALIAS_COUNT})`,
      'reuse member lists with `groups:` instead of anchors and aliases',
    );
    return done(diagnostics);
  }
  return { parsed: { value, locator }, errors: diagnostics.errors, warnings: diagnostics.warnings };
}

function done(diagnostics: Diagnostics): ParseOutcome {
  return { errors: diagnostics.errors, warnings: diagnostics.warnings };
}

/** yaml reports one mistake several times as parsing recovers; keep the first per line. */
function reportYamlProblems(doc: Document, source: string, locator: Locator, diagnostics: Diagnostics): void {
  const linesWithError = new Set<number>();
  for (const error of doc.errors) {
    const location = locator.atOffset(openerOf(error, source) ?? error.pos[0], '');
    if (linesWithError.has(location.line)) continue;
    linesWithError.add(location.line);
    const { message, hint } = explainYamlError(error, source);
    diagnostics.error(location, message, hint);
  }
  for (const warning of doc.warnings) {
    diagnostics.warning(locator.atOffset(warning.pos[0], ''), `YAML: ${warning.message}`);
  }
}

/**
 * yaml reports an unclosed quote or bracket where it gives up, often at the
 * end of the file; the opening quote or bracket is where the fix goes.
 */
function openerOf(error: YAMLError, source: string): number | undefined {
  const { CST, Lexer } = yaml();
  const unclosedQuote = error.message.startsWith('Missing closing');
  const unclosedFlow = /end with a [\]}]$/.test(error.message);
  if (!unclosedQuote && !unclosedFlow) return undefined;
  let offset = 0;
  let lastQuote: number | undefined;
  const openFlows: number[] = [];
  for (const token of new Lexer().lex(source)) {
    if (token === CST.DOCUMENT || token === CST.FLOW_END || token === CST.SCALAR) continue;
    const start = offset;
    offset += token.length;
    if (start >= error.pos[0]) break;
    const type = CST.tokenType(token);
    if (type === 'double-quoted-scalar' || type === 'single-quoted-scalar') lastQuote = start;
    else if (type === 'flow-seq-start' || type === 'flow-map-start') openFlows.push(start);
    else if (type === 'flow-seq-end' || type === 'flow-map-end') openFlows.pop();
  }
  return unclosedQuote ? lastQuote : openFlows[openFlows.length - 1];
}

function explainYamlError(error: YAMLError, source: string): { message: string; hint?: string } {
  const lineStart = source.lastIndexOf('\n', error.pos[0] - 1) + 1;
  const indentation = /^[ \t]*/.exec(source.slice(lineStart, lineStart + 200))?.[0] ?? '';
  if (error.code === 'TAB_AS_INDENT' || indentation.includes('\t')) {
    return {
      message: 'a tab is used for indentation',
      hint: 'YAML indents with spaces only: replace the tab with spaces',
    };
  }
  const message = `YAML syntax error: ${error.message}`;
  switch (error.code) {
    case 'MULTIPLE_DOCS':
      return {
        message: 'the file holds more than one YAML document',
        hint: 'gatesync reads a single document: remove the `---` line and merge the two parts',
      };
    case 'BAD_INDENT':
      if (/end with a [\]}]/.test(error.message)) {
        return { message, hint: `close it with \`${error.message.includes(']') ? ']' : '}'}\`, or indent its continuation lines` };
      }
      return { message, hint: 'entries of one mapping or list must start at the same column' };
    case 'BLOCK_AS_IMPLICIT_KEY':
      return { message, hint: 'a value containing `: ` must be quoted, e.g. `name: "a: b"`' };
    case 'MISSING_CHAR':
      if (error.message.startsWith('Missing closing')) return { message, hint: 'close the quote' };
      return { message, hint: 'check for an unclosed quote or bracket, or a key without `:`' };
    case 'NON_STRING_KEY':
      return { message, hint: 'keys are names: write them as plain text, not lists or mappings' };
    case 'BAD_SCALAR_START':
      return { message, hint: 'quote the value' };
    default:
      return { message };
  }
}

interface AliasInspection {
  /** Where the anchor used through the most aliases is last used. */
  mostUsed?: SourceLocation;
}

/**
 * One walk over the document, in document order: reports duplicate keys,
 * resolves every alias to its anchor (as YAML does: the last anchor of that
 * name before it) and measures how big aliases make the document. An
 * anchored node is complete before any alias can use it, so one pass sizes
 * everything without expanding anything.
 */
function inspectNodes(
  doc: Document,
  locator: Locator,
  diagnostics: Diagnostics,
  aliasTargets: Map<Alias, Node>,
): AliasInspection {
  const { isAlias, isMap, isSeq } = yaml();
  const anchors = new Map<string, Node>();
  const anchoredSizes = new Map<Node, number>();
  const unfinished = new Set<Node>();
  const uses = new Map<Node, { count: number; last: SourceLocation }>();
  let largestAlias: { size: number; location: SourceLocation; name: string } | undefined;

  const visit = (node: unknown, path: PathSegment[]): number => {
    if (node === null || node === undefined) return 0;
    if (isAlias(node)) {
      const location = locator.atOffset(node.range?.[0] ?? 0, path);
      const target = anchors.get(node.source);
      if (target === undefined) {
        diagnostics.error(
          location,
          `alias \`*${node.source}\` has no anchor \`&${node.source}\` before it`,
          'define the anchor before any alias that repeats it',
        );
        return 1;
      }
      if (unfinished.has(target)) {
        diagnostics.error(
          location,
          `alias \`*${node.source}\` is inside the node it repeats, which would make it endless`,
          'an alias can only repeat a node that ends before it',
        );
        return 1;
      }
      aliasTargets.set(node, target);
      const used = uses.get(target) ?? { count: 0, last: location };
      uses.set(target, { count: used.count + 1, last: location });
      const size = anchoredSizes.get(target) ?? 1;
      if (largestAlias === undefined || size > largestAlias.size) largestAlias = { size, location, name: node.source };
      return size;
    }
    const anchor = (node as Node).anchor;
    if (anchor !== undefined) anchors.set(anchor, node as Node);
    unfinished.add(node as Node);
    let size = 1;
    if (isMap(node)) {
      const firstByKey = new Map<string, Pair>();
      for (const pair of node.items) {
        const key = keyText(pair);
        const first = firstByKey.get(key);
        if (first === undefined) {
          firstByKey.set(key, pair);
        } else {
          const firstLine = locator.atOffset((first.key as Node | null)?.range?.[0] ?? 0, '').line;
          const { offset, message, hint } = duplicateKeyProblem((pair.key as Node | null)?.range?.[0] ?? 0, key, firstLine);
          diagnostics.error(locator.atOffset(offset, [...path, key]), message, hint);
        }
        size += visit(pair.key, path) + visit(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        size += visit(item, [...path, index]);
      });
    }
    unfinished.delete(node as Node);
    if (anchor !== undefined) anchoredSizes.set(node as Node, size);
    return size;
  };

  const expandedNodes = visit(doc.contents, []);
  if (expandedNodes > MAX_EXPANDED_NODES && largestAlias !== undefined) {
    diagnostics.error(
      largestAlias.location,
      `aliases expand this file to more than ${MAX_EXPANDED_NODES.toLocaleString('en-US')} nodes ` +
        `(\`*${largestAlias.name}\` alone stands for ${formatCount(largestAlias.size)})`,
      'this looks like an alias bomb; write lists out, or reuse them with `groups:`',
    );
  }
  let mostUsed: { count: number; last: SourceLocation } | undefined;
  for (const use of uses.values()) if (mostUsed === undefined || use.count > mostUsed.count) mostUsed = use;
  return mostUsed === undefined ? {} : { mostUsed: mostUsed.last };
}

function formatCount(count: number): string {
  return count < 1e15 ? `${Math.round(count).toLocaleString('en-US')} nodes` : `about 10^${Math.floor(Math.log10(count))} nodes`;
}
