/** The simulator's modules form no import cycle, type-only imports included: each concern builds on those below it. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SIMULATOR = join(import.meta.dirname, '..', 'src', 'simulator');
const LOCAL_IMPORT = /^(?:import|export)\s[^;]*?from\s+'\.\/([\w-]+)\.js'/gm;

function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of readdirSync(SIMULATOR).filter((name) => name.endsWith('.ts'))) {
    const source = readFileSync(join(SIMULATOR, file), 'utf8');
    graph.set(file.replace(/\.ts$/, ''), [...source.matchAll(LOCAL_IMPORT)].map((match) => match[1]!));
  }
  return graph;
}

/** Every cycle found by depth-first search, each as the path that closes it. */
function cycles(graph: Map<string, string[]>): string[] {
  const found: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (module: string, path: string[]): void => {
    if (state.get(module) === 'done') return;
    if (state.get(module) === 'open') {
      found.push([...path.slice(path.indexOf(module)), module].join(' → '));
      return;
    }
    state.set(module, 'open');
    for (const imported of graph.get(module) ?? []) visit(imported, [...path, module]);
    state.set(module, 'done');
  };
  for (const module of graph.keys()) visit(module, []);
  return found;
}

describe('simulator modules', () => {
  it('import each other without a cycle', () => {
    const graph = importGraph();
    expect(graph.get('store')).toContain('keys');
    expect(cycles(graph)).toEqual([]);
  });

  it('the cycle check finds a cycle when there is one', () => {
    expect(cycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]]))).toEqual(['a → b → c → a']);
  });
});
