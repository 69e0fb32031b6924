/**
 * From JSON paths to places in the YAML text. Every diagnostic carries both:
 * the path says what is wrong, the line and column say where to look.
 */
import type { Alias, Document, LineCounter, Node, Pair, YAMLMap } from 'yaml';
import { yaml } from './yaml-lib.js';
import type { SourceLocation } from '../model/config.js';

export type PathSegment = string | number;

/** JSON pointer (RFC 6901) of a path: `['workspaces', 'a/b', 0]` → `/workspaces/a~1b/0`. */
export function toPointer(path: readonly PathSegment[]): string {
  let pointer = '';
  for (const segment of path) {
    const text = String(segment);
    // Every entry of a large file gets a pointer: escape only the segments that need it.
    pointer += '/' + (text.includes('~') || text.includes('/') ? text.replace(/~/g, '~0').replace(/\//g, '~1') : text);
  }
  return pointer;
}

/** Inverse of `toPointer`; array indexes come back as strings. */
export function fromPointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * 1-based line and column of `offset` in `text`, for problems found before
 * the YAML is parsed; counting starts from a known `line` that begins at
 * `lineStart`, at or before `offset`.
 */
export function positionAt(text: string, offset: number, from = { line: 1, lineStart: 0 }): { line: number; col: number } {
  let { line, lineStart } = from;
  for (let newline = text.indexOf('\n', lineStart); newline !== -1 && newline < offset; newline = text.indexOf('\n', newline + 1)) {
    line += 1;
    lineStart = newline + 1;
  }
  return { line, col: offset - lineStart + 1 };
}

export function locationAtOffset(file: string, text: string, offset: number, path = ''): SourceLocation {
  return { file, ...positionAt(text, offset), path };
}

/** The text of a mapping key as gatesync reads it (keys are parsed with `stringKeys`). */
export function keyText(pair: Pair): string {
  const key: unknown = pair.key;
  if (yaml().isScalar(key)) return String(key.value ?? '');
  return String(key ?? '');
}

/**
 * Finds places in one parsed file by path. A path that does not exist in
 * full resolves to the deepest node that does.
 */
export interface Locator {
  readonly file: string;
  at(path: readonly PathSegment[], target?: 'value' | 'key'): SourceLocation;
  atOffset(offset: number, path: readonly PathSegment[] | string): SourceLocation;
  /** The items of the list at `path`, by index: `at([...path, index])`, with the list found once for all of them. */
  listItems(path: readonly PathSegment[]): (index: number) => SourceLocation;
}

/** A `Locator` over a document of the yaml package. Aliases are followed, so a path through `*team` lands on the anchored list. */
export class DocumentLocator implements Locator {
  private readonly pairIndex = new Map<YAMLMap, Map<string, Pair>>();

  constructor(
    readonly file: string,
    private readonly doc: Document,
    private readonly lineCounter: LineCounter,
    private readonly aliasTargets: ReadonlyMap<Alias, Node>,
  ) {}

  at(path: readonly PathSegment[], target: 'value' | 'key' = 'value'): SourceLocation {
    let node: unknown = this.doc.contents;
    let offset = nodeStart(node) ?? 0;
    for (const [index, segment] of path.entries()) {
      const container = this.followAlias(node);
      const isLast = index === path.length - 1;
      if (yaml().isMap(container)) {
        const pair = this.pairsOf(container).get(String(segment));
        if (pair === undefined) break;
        const keyOffset = nodeStart(pair.key) ?? offset;
        offset = isLast && target === 'key' ? keyOffset : (valueStart(pair.value) ?? keyOffset);
        node = pair.value;
      } else if (yaml().isSeq(container)) {
        const item: unknown = container.items[Number(segment)];
        if (item === undefined) break;
        offset = nodeStart(item) ?? offset;
        node = item;
      } else {
        break;
      }
    }
    return this.atOffset(offset, path);
  }

  listItems(path: readonly PathSegment[]): (index: number) => SourceLocation {
    return (index) => this.at([...path, index]);
  }

  atOffset(offset: number, path: readonly PathSegment[] | string): SourceLocation {
    const { line, col } = this.lineCounter.linePos(offset);
    return { file: this.file, line, col, path: typeof path === 'string' ? path : toPointer(path) };
  }

  /** Anchors sit on collections and scalars, never on aliases: one hop is enough. */
  private followAlias(node: unknown): unknown {
    return yaml().isAlias(node) ? this.aliasTargets.get(node) : node;
  }

  private pairsOf(map: YAMLMap): Map<string, Pair> {
    let pairs = this.pairIndex.get(map);
    if (pairs === undefined) {
      pairs = new Map();
      for (const pair of map.items) if (!pairs.has(keyText(pair))) pairs.set(keyText(pair), pair);
      this.pairIndex.set(map, pairs);
    }
    return pairs;
  }
}

function nodeStart(node: unknown): number | undefined {
  const range = (node as { range?: unknown } | null | undefined)?.range;
  return Array.isArray(range) && typeof range[0] === 'number' ? range[0] : undefined;
}

/** Start of a mapping value, or `undefined` for `key:` with nothing after it. */
function valueStart(node: unknown): number | undefined {
  if (yaml().isScalar(node) && node.value === null && node.range?.[0] === node.range?.[1]) return undefined;
  return nodeStart(node);
}
