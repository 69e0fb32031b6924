/**
 * The plain block subset of YAML, read in one pass over the lines: nested
 * block mappings whose leaves are scalars or block lists of scalars, with
 * comments. It is what `export` writes and what large generated files hold,
 * and reading it is several times faster, in a fraction of the memory, than
 * building a yaml `Document` (a 1,000,000-membership file would not load in
 * seconds otherwise).
 *
 * Anything outside the subset, or anything it is not sure of (anchors, tags,
 * flow collections other than `[]` and `{}`, block scalars, escapes, tabs,
 * a scalar that YAML would read as a float, a duplicate key), is declined
 * with the offset where it starts, and the caller reads the file with the
 * yaml package, which also finds and explains every YAML error. So within
 * the subset the value and every location are exactly what the yaml package
 * gives. The size limits of `limits.ts` are checked here, as the lines are read.
 */
import { MAX_DEPTH, MAX_FILE_ENTRIES, MAX_LIST_ENTRIES } from './limits.js';
import { duplicateKeyProblem, nestingProblem, type SourceProblem } from './source-guards.js';
import { positionAt, toPointer, type Locator, type PathSegment } from './yaml-locations.js';
import type { SourceLocation } from '../model/config.js';

interface PairPlace {
  key: number;
  /** `undefined` for `key:` with nothing after it. */
  value: number | undefined;
  child?: Place;
}

type Place = { kind: 'map'; start: number; pairs: Map<string, PairPlace> } | { kind: 'seq'; start: number; items: number[] };

interface OpenCollection {
  indent: number;
  place: Place;
  value: Record<string, unknown> | unknown[];
}

/** Characters that YAML reads specially, or that the yaml package may: such text takes the full path. */
const UNUSUAL_TEXT = /[\t\r\u0080-\u009F\u2028\u2029\uFEFF\uFFFE\uFFFF]|\p{Cs}/u;
/** Indicators that cannot start a plain scalar. */
const INDICATORS = new Set([...'-?:,[]{}#&*!|>\'"%@`']);
/** …except these, followed by a non-space: `-7`, `:x`. */
const INDICATORS_BEFORE_TEXT = new Set([...'-?:']);
const NULL = /^(?:~|[Nn]ull|NULL)$/;
const TRUE = /^(?:[Tt]rue|TRUE)$/;
const FALSE = /^(?:[Ff]alse|FALSE)$/;
const DECIMAL = /^[-+]?[0-9]+$/;
/** YAML 1.2 core-schema numbers other than decimal integers. */
const OTHER_NUMBER = /^(?:0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)$/;

const OUTSIDE = Symbol('outside the subset');

export type BlockYamlOutcome =
  | { value: unknown; locator: Locator }
  /** A limit crossed: an error whatever the style of the file. */
  | { problem: SourceProblem }
  /** Outside the subset from `offset` on; `problem` when it is an error in any file. */
  | { declined: { offset: number; reason: string; problem?: SourceProblem } };

const OUTSIDE_STYLE = 'YAML beyond plain block style';

export function parseBlockYaml(source: string, file: string): BlockYamlOutcome {
  const unusual = UNUSUAL_TEXT.exec(source);
  if (unusual !== null) return declined(unusual.index, 'a tab, carriage return or unusual invisible character');
  /** Start and number of every line with content: blank and comment lines are not worth memory (a file may be all newlines). */
  const lines = new LineIndex(source);
  let lineNumber = 0;
  const open: OpenCollection[] = [];
  let root: OpenCollection | undefined;
  /** A `key:` with nothing after it: its value is the block on the next lines, if any. */
  let pending: { parent: OpenCollection; key: string; pair: PairPlace } | undefined;
  let entries = 0;

  for (let start = 0; start <= source.length; ) {
    const newline = source.indexOf('\n', start);
    const end = newline === -1 ? source.length : newline;
    lineNumber += 1;
    const next = end + 1;
    let first = start;
    while (first < end && source.charCodeAt(first) === 0x20) first++;
    if (first === end || source[first] === '#') {
      start = next;
      continue;
    }
    lines.add(start, lineNumber);
    const indent = first - start;
    const isItem = source[first] === '-' && (first + 1 === end || source[first + 1] === ' ');

    if (pending !== undefined) {
      if (indent > pending.parent.indent) {
        const child: OpenCollection = isItem
          ? { indent, place: { kind: 'seq', start: first, items: [] }, value: [] }
          : { indent, place: { kind: 'map', start: first, pairs: new Map() }, value: {} };
        (pending.parent.value as Record<string, unknown>)[pending.key] = child.value;
        pending.pair.value = first;
        pending.pair.child = child.place;
        open.push(child);
        if (open.length > MAX_DEPTH) return { problem: nestingProblem(first) };
      }
      pending = undefined;
    }
    while (open.length > 0 && open[open.length - 1]!.indent > indent) open.pop();
    if (root === undefined) {
      if (indent !== 0 || isItem) return declined(first, OUTSIDE_STYLE);
      root = { indent: 0, place: { kind: 'map', start: first, pairs: new Map() }, value: {} };
      open.push(root);
    }
    const current = open[open.length - 1];
    if (current === undefined || current.indent !== indent) return declined(first, OUTSIDE_STYLE);
    if (++entries > MAX_FILE_ENTRIES) {
      return {
        problem: {
          offset: first,
          message: `the file has more than ${MAX_FILE_ENTRIES.toLocaleString('en-US')} entries (list items and mapping keys)`,
          hint: 'that is far more than 1,000,000 memberships need; was this file generated by mistake?',
        },
      };
    }

    if (current.place.kind === 'seq') {
      if (!isItem) return declined(first, OUTSIDE_STYLE);
      let at = first + 1;
      while (at < end && source.charCodeAt(at) === 0x20) at++;
      const item = scalarAt(source, at, end);
      if (item === OUTSIDE) return declined(first, OUTSIDE_STYLE);
      if (current.place.items.length >= MAX_LIST_ENTRIES) return { problem: tooLong('list', current.place.start) };
      (current.value as unknown[]).push(item);
      current.place.items.push(at);
    } else {
      if (isItem) return declined(first, OUTSIDE_STYLE);
      const key = keyAt(source, first, end);
      if (key === undefined || key.text === '__proto__') return declined(first, OUTSIDE_STYLE);
      const { pairs } = current.place;
      const twin = pairs.get(key.text);
      if (twin !== undefined) {
        const problem = duplicateKeyProblem(first, key.text, lines.position(twin.key).line);
        return { declined: { offset: first, reason: 'a duplicate key', problem } };
      }
      if (pairs.size >= MAX_LIST_ENTRIES) return { problem: tooLong('mapping', current.place.start) };
      let at = key.end;
      while (at < end && source.charCodeAt(at) === 0x20) at++;
      const map = current.value as Record<string, unknown>;
      if (at === end || (source[at] === '#' && at > key.end)) {
        const pair: PairPlace = { key: first, value: undefined };
        pairs.set(key.text, pair);
        map[key.text] = null;
        pending = { parent: current, key: key.text, pair };
      } else {
        const value = scalarAt(source, at, end);
        if (value === OUTSIDE) return declined(first, OUTSIDE_STYLE);
        pairs.set(key.text, { key: first, value: at });
        map[key.text] = value;
      }
    }
    start = next;
  }
  if (root === undefined) return declined(0, 'no mapping');
  return { value: root.value, locator: new BlockLocator(file, root.place, lines) };
}

function declined(offset: number, reason: string): BlockYamlOutcome {
  return { declined: { offset, reason } };
}

function tooLong(what: 'list' | 'mapping', offset: number): SourceProblem {
  return {
    offset,
    message: `this ${what} has more than ${MAX_LIST_ENTRIES.toLocaleString('en-US')} entries`,
    hint: 'that is more than every member of a 1,000,000-membership organization; was this file generated by mistake?',
  };
}

/** A mapping key at `at` and the offset just past its `:`, or `undefined` if the line is not `key:` or `key: …`. */
function keyAt(source: string, at: number, end: number): { text: string; end: number } | undefined {
  const quote = source[at];
  if (quote === '"' || quote === "'") {
    const quoted = quotedAt(source, at, end);
    if (quoted === undefined || source[quoted.end] !== ':') return undefined;
    const after = quoted.end + 1;
    return after === end || source[after] === ' ' ? { text: quoted.text, end: after } : undefined;
  }
  if (!canStartPlain(source, at, end)) return undefined;
  // Searches stay within the line: a search that ran on to the end of the file would make reading quadratic.
  const line = source.slice(at, end);
  for (let colon = line.indexOf(':'); colon !== -1; colon = line.indexOf(':', colon + 1)) {
    if (colon + 1 !== line.length && line[colon + 1] !== ' ') continue;
    const text = line.slice(0, colon);
    if (text.endsWith(' ') || text.includes(' #')) return undefined;
    return typeof plainValue(text) === 'string' ? { text, end: at + colon + 1 } : undefined;
  }
  return undefined;
}

/** The scalar (or `[]`, `{}`) that starts at `at` and fills the rest of the line, before any comment. */
function scalarAt(source: string, at: number, end: number): unknown {
  if (at === end) return OUTSIDE;
  const first = source[at]!;
  if (first === '"' || first === "'") {
    const quoted = quotedAt(source, at, end);
    return quoted !== undefined && onlyCommentAfter(source, quoted.end, end) ? quoted.text : OUTSIDE;
  }
  if (first === '[' || first === '{') {
    const closer = first === '[' ? ']' : '}';
    if (source[at + 1] !== closer || !onlyCommentAfter(source, at + 2, end)) return OUTSIDE;
    return first === '[' ? [] : {};
  }
  if (!canStartPlain(source, at, end)) return OUTSIDE;
  const line = source.slice(at, end);
  const comment = line.indexOf(' #');
  const text = (comment === -1 ? line : line.slice(0, comment)).trimEnd();
  if (text.includes(': ') || text.endsWith(':')) return OUTSIDE;
  return plainValue(text);
}

function canStartPlain(source: string, at: number, end: number): boolean {
  const first = source[at]!;
  if (!INDICATORS.has(first)) return true;
  return INDICATORS_BEFORE_TEXT.has(first) && at + 1 < end && source[at + 1] !== ' ';
}

/** A plain scalar as YAML 1.2's core schema reads it; the rarer number forms take the full path. */
function plainValue(text: string): unknown {
  if (NULL.test(text)) return null;
  if (TRUE.test(text)) return true;
  if (FALSE.test(text)) return false;
  if (DECIMAL.test(text)) return Number(text);
  if (OTHER_NUMBER.test(text)) return OUTSIDE;
  return text;
}

/** A quoted scalar on one line, without escapes; `end` is just past the closing quote. */
function quotedAt(source: string, at: number, lineEnd: number): { text: string; end: number } | undefined {
  const quote = source[at]!;
  let text = '';
  for (let from = at + 1; ; ) {
    const close = source.indexOf(quote, from);
    if (close === -1 || close >= lineEnd) return undefined;
    text += source.slice(from, close);
    if (quote === "'" && source[close + 1] === "'") {
      text += "'";
      from = close + 2;
      continue;
    }
    if (quote === '"' && text.includes('\\')) return undefined;
    return { text, end: close + 1 };
  }
}

function onlyCommentAfter(source: string, at: number, end: number): boolean {
  let index = at;
  while (index < end && source.charCodeAt(index) === 0x20) index++;
  return index === end || (source[index] === '#' && index > at);
}

/**
 * Line numbers by offset. Only lines with content are recorded: blank and
 * comment lines are not worth memory (a file may be all newlines), and an
 * offset on one is found by counting from the content line before it.
 */
class LineIndex {
  private readonly starts: number[] = [];
  private readonly numbers: number[] = [];

  constructor(private readonly source: string) {}

  add(start: number, line: number): void {
    this.starts.push(start);
    this.numbers.push(line);
  }

  position(offset: number): { line: number; col: number } {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if (this.starts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    const before = low >= this.starts.length || this.starts[low]! > offset;
    return before ? positionAt(this.source, offset) : positionAt(this.source, offset, { line: this.numbers[low]!, lineStart: this.starts[low]! });
  }
}

/** Places found by path in a file read by `parseBlockYaml`, with the same rules as `DocumentLocator`. */
class BlockLocator implements Locator {
  constructor(
    readonly file: string,
    private readonly root: Place,
    private readonly lines: LineIndex,
  ) {}

  at(path: readonly PathSegment[], target: 'value' | 'key' = 'value'): SourceLocation {
    return this.atOffset(this.walk(path, target).offset, path);
  }

  /** Every entry of a large file gets a location: the list and its pointer are found once, not once per item. */
  listItems(path: readonly PathSegment[]): (index: number) => SourceLocation {
    const { place, complete } = this.walk(path, 'value');
    if (!complete || place?.kind !== 'seq') return (index) => this.at([...path, index]);
    const pointer = toPointer(path);
    return (index) => {
      const offset = place.items[index];
      return offset === undefined ? this.at([...path, index]) : { file: this.file, ...this.lines.position(offset), path: `${pointer}/${index}` };
    };
  }

  /** The deepest place on `path` and where it starts; `complete` when the whole path was found. */
  private walk(path: readonly PathSegment[], target: 'value' | 'key'): { offset: number; place: Place | undefined; complete: boolean } {
    let place: Place | undefined = this.root;
    let offset = this.root.start;
    for (let index = 0; index < path.length; index++) {
      if (place === undefined) return { offset, place, complete: false };
      const segment = path[index]!;
      if (place.kind === 'map') {
        const pair = place.pairs.get(String(segment));
        if (pair === undefined) return { offset, place, complete: false };
        offset = index === path.length - 1 && target === 'key' ? pair.key : (pair.value ?? pair.key);
        place = pair.child;
      } else {
        const item = place.items[Number(segment)];
        if (item === undefined) return { offset, place, complete: false };
        offset = item;
        place = undefined;
      }
    }
    return { offset, place, complete: true };
  }

  atOffset(offset: number, path: readonly PathSegment[] | string): SourceLocation {
    return { file: this.file, ...this.lines.position(offset), path: typeof path === 'string' ? path : toPointer(path) };
  }
}
