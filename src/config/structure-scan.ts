/**
 * A pass over the YAML tokens, before parsing, that rejects files the parser
 * would take too long or too deep a stack to build: deep nesting, huge lists,
 * floods of tokens, anchors or aliases. The lexer is iterative, the scan keeps
 * no tokens, and it stops at the first limit it crosses, so a 1,000,000-entry
 * flow list is turned away after its first 50,000 entries. Only files
 * outside plain block style come here (see `limits.ts`).
 *
 * Collections are tracked the way YAML's indentation defines them: a block
 * sequence by the column of its `-`, a block mapping by the column of its
 * keys, a flow collection by its brackets. The count can be a little high
 * for unusual layouts (it never matters: real files are far below the limits).
 */
import { yaml } from './yaml-lib.js';
import { MAX_ALIASES, MAX_ANCHORS, MAX_DEPTH, MAX_FULL_YAML_ENTRIES, MAX_FULL_YAML_LIST_ENTRIES, MAX_TOKENS } from './limits.js';
import { nestingProblem, type SourceProblem } from './source-guards.js';

interface OpenCollection {
  kind: 'sequence' | 'mapping' | 'flow';
  /** Column of the `-` or of the keys; unused for flow collections. */
  indent: number;
  /** Offset where the collection starts: where a "too many entries" error points. */
  start: number;
  entries: number;
}

/** Files this large load fast only in plain block style, which the one-pass reader takes and this scan never sees. */
export const PLAIN_BLOCK_HINT =
  'large files must be plain block YAML, as `gatesync export` writes: `key:` lines and `- entry` lists, no flow lists, anchors or multi-line values';

export function scanStructure(source: string): SourceProblem | undefined {
  const { CST, Lexer } = yaml();
  /** Tokens the lexer adds that are not text of the file. */
  const controlTokens = new Set([CST.DOCUMENT, CST.FLOW_END, CST.SCALAR]);
  const open: OpenCollection[] = [];
  let offset = 0;
  let lineStart = 0;
  let atLineStart = true;
  let tokens = 0;
  let totalEntries = 0;
  let anchors = 0;
  let aliases = 0;

  const top = (): OpenCollection | undefined => open[open.length - 1];
  const inFlow = (): boolean => top()?.kind === 'flow';

  const push = (collection: OpenCollection): SourceProblem | undefined => {
    open.push(collection);
    if (open.length > MAX_DEPTH) return nestingProblem(collection.start);
    return addEntry(collection.start);
  };

  const addEntry = (at: number): SourceProblem | undefined => {
    totalEntries += 1;
    if (totalEntries > MAX_FULL_YAML_ENTRIES) {
      return {
        offset: at,
        message: `the file has more than ${MAX_FULL_YAML_ENTRIES.toLocaleString('en-US')} entries (list items and mapping keys)`,
        hint: PLAIN_BLOCK_HINT,
      };
    }
    return undefined;
  };

  const count = (collection: OpenCollection, at: number): SourceProblem | undefined => {
    collection.entries += 1;
    if (collection.entries > MAX_FULL_YAML_LIST_ENTRIES) {
      const what = collection.kind === 'mapping' ? 'mapping' : 'list';
      return {
        offset: collection.start,
        message: `this ${what} has more than ${MAX_FULL_YAML_LIST_ENTRIES.toLocaleString('en-US')} entries`,
        hint: PLAIN_BLOCK_HINT,
      };
    }
    return addEntry(at);
  };

  /** A `-` in block context opens a sequence at its column or adds an item to it. */
  const sequenceItem = (column: number, at: number): SourceProblem | undefined => {
    while (open.length > 0 && top()!.indent > column) open.pop();
    const current = top();
    if (current?.kind === 'sequence' && current.indent === column) return count(current, at);
    return push({ kind: 'sequence', indent: column, start: at, entries: 1 });
  };

  /** Anything else first on its line, in block context: a key of a mapping at its column. */
  const lineContent = (column: number, at: number): SourceProblem | undefined => {
    while (open.length > 0 && (top()!.indent > column || (top()!.indent === column && top()!.kind === 'sequence'))) {
      open.pop();
    }
    const current = top();
    if (current?.kind === 'mapping' && current.indent === column) return count(current, at);
    return push({ kind: 'mapping', indent: column, start: at, entries: 1 });
  };

  for (const token of new Lexer().lex(source)) {
    if (controlTokens.has(token)) {
      if (token === CST.FLOW_END) while (inFlow()) open.pop();
      continue;
    }
    const start = offset;
    offset += token.length;
    tokens += 1;
    if (tokens > MAX_TOKENS) {
      return {
        offset: start,
        message: `the file has more than ${MAX_TOKENS.toLocaleString('en-US')} YAML tokens`,
        hint: PLAIN_BLOCK_HINT,
      };
    }
    const type = CST.tokenType(token);
    const column = start - lineStart;
    let problem: SourceProblem | undefined;
    switch (type) {
      case 'newline':
        lineStart = offset;
        atLineStart = true;
        continue;
      case 'space':
      case 'comment':
        continue;
      case 'doc-start':
      case 'doc-end':
        open.length = 0;
        break;
      case 'flow-seq-start':
      case 'flow-map-start':
        if (!inFlow() && atLineStart) problem = lineContent(column, start);
        problem ??= push({ kind: 'flow', indent: -1, start, entries: 1 });
        break;
      case 'flow-seq-end':
      case 'flow-map-end':
        if (inFlow()) open.pop();
        break;
      case 'comma':
        if (inFlow()) problem = count(top()!, start);
        break;
      case 'seq-item-ind':
        if (!inFlow()) problem = sequenceItem(column, start);
        break;
      default:
        if (type === 'anchor' && ++anchors > MAX_ANCHORS) {
          problem = {
            offset: start,
            message: `the file has more than ${MAX_ANCHORS.toLocaleString('en-US')} anchors (\`&name\`)`,
            hint: 'anchors are for reusing a few lists; use `groups:` instead',
          };
        } else if (type === 'alias' && ++aliases > MAX_ALIASES) {
          problem = {
            offset: start,
            message: `the file has more than ${MAX_ALIASES.toLocaleString('en-US')} aliases (\`*name\`)`,
            hint: 'aliases are for reusing a few lists; use `groups:` instead',
          };
        } else if (!inFlow() && atLineStart) {
          problem = lineContent(column, start);
        }
    }
    if (problem !== undefined) return problem;
    atLineStart = false;
    const lastNewline = token.lastIndexOf('\n');
    if (lastNewline !== -1) lineStart = start + lastNewline + 1;
  }
  return undefined;
}
