/**
 * The round-trip lower bound the benchmark measures gatesync against: the
 * formula, the dependency depth it gives each logged request, and the
 * README block the figures are rendered into.
 */
import { describe, expect, it } from 'vitest';
import { countByDepth, latencyLowerBound } from '../bench/lower-bound.js';
import { renderFigures, replaceFigures, BEGIN_MARKER, END_MARKER } from '../bench/readme-figures.js';
import type { PhaseResult, SizeResult } from '../bench/run-size.js';
import { targetsOf, type BenchReport } from '../bench/targets.js';
import { orgIndex, readDepth, requestDepths } from '../bench/request-depth.js';
import { generateOrg } from '../src/simulator/index.js';

const state = generateOrg({ members: 50, workspaces: 2, guardrailsPerWorkspace: 2, seed: 1 });
const index = orgIndex(state);
const [defaultWorkspace, ws1] = state.workspaces;
const guardrail = state.guardrails.find((g) => g.workspace_id === ws1!.id && g.id !== ws1!.default_guardrail_id)!;
const get = (path: string) => ({ method: 'GET', url: `/api/v1${path}` });
const post = (path: string) => ({ method: 'POST', url: `/api/v1${path}` });

describe('latencyLowerBound', () => {
  it('is the number of waves when nothing depends on anything', () => {
    expect(latencyLowerBound([1, 1, 1, 1, 1, 1, 1, 1, 1], 8, 25)).toBe(50);
  });

  it('counts the round trips a deep request must wait for', () => {
    expect(latencyLowerBound([1, 2, 3, 4], 8, 25)).toBe(100);
    expect(latencyLowerBound([1, ...Array<number>(16).fill(2)], 8, 10)).toBe(30);
  });

  it('takes the largest of the depth and the concurrency terms', () => {
    const depths = [...Array<number>(13).fill(1), ...Array<number>(24).fill(2), ...Array<number>(6).fill(3)];
    expect(latencyLowerBound(depths, 8, 25)).toBe(6 * 25);
    expect(latencyLowerBound([1, 5], 8, 25)).toBe(5 * 25);
    expect(countByDepth([1, 5])).toEqual([1, 0, 0, 0, 1]);
  });
});

describe('readDepth', () => {
  it('gives a first page what names its resource, and a later page one round trip more', () => {
    expect(readDepth(get('/organization/members?offset=0&limit=100'), index)).toBe(1);
    expect(readDepth(get('/organization/members?offset=300&limit=100'), index)).toBe(2);
    expect(readDepth(get('/workspaces/ws-001'), index)).toBe(1);
    expect(readDepth(get(`/workspaces/${ws1!.id}/members?offset=0&limit=100`), index)).toBe(2);
    expect(readDepth(get(`/workspaces/${ws1!.id}/members?offset=100&limit=100`), index)).toBe(3);
    expect(readDepth(get('/workspaces/ws-001/members?offset=0&limit=100'), index)).toBe(1);
    expect(readDepth(get('/guardrails?offset=0&limit=100'), index)).toBe(1);
    expect(readDepth(get(`/guardrails?workspace_id=${ws1!.id}&offset=0&limit=100`), index)).toBe(2);
    expect(readDepth(get(`/guardrails/${guardrail.id}/assignments/members?offset=0&limit=100`), index)).toBe(3);
    expect(readDepth(get(`/guardrails/${guardrail.id}/assignments/members?offset=200&limit=100`), index)).toBe(4);
    expect(readDepth(get(`/guardrails/${ws1!.default_guardrail_id}/assignments/members?offset=0&limit=100`), index)).toBe(2);
    expect(readDepth(get('/guardrails/assignments/members?offset=100&limit=100'), index)).toBe(2);
  });

  it('chains the pages of /keys, which carry no total_count', () => {
    expect(readDepth(get('/keys'), index)).toBe(1);
    expect(readDepth(get('/keys?offset=200'), index)).toBe(3);
    expect(readDepth(get(`/keys?workspace_id=${ws1!.id}&offset=100`), index)).toBe(3);
  });

  it('gives an unknown route depth 1, so the bound stays a bound', () => {
    expect(readDepth(get('/scim/group-mappings'), index)).toBe(1);
    expect(readDepth(get('/something/new?offset=0'), index)).toBe(1);
  });
});

describe('requestDepths', () => {
  it('puts writes after the deepest read, phase by phase within a workspace, and read-backs after them', () => {
    const log = [
      get('/organization/members?offset=0&limit=100'),
      get(`/workspaces/${ws1!.id}/members?offset=0&limit=100`),
      get(`/guardrails/${guardrail.id}/assignments/members?offset=0&limit=100`),
      post(`/workspaces/${ws1!.id}/members/add`),
      post(`/guardrails/${guardrail.id}/assignments/members`),
      post(`/workspaces/${defaultWorkspace!.id}/members/remove`),
      post(`/workspaces/${ws1!.id}/members/remove`),
      get(`/workspaces/${ws1!.id}/members?offset=0&limit=100`),
      get(`/workspaces/${ws1!.id}/members?offset=100&limit=100`),
      get('/guardrails/assignments/members?offset=0&limit=100'),
    ];
    const counted = requestDepths(log, index);
    expect(counted).toMatchObject({ reads: 3, writes: 4, readBacks: 3 });
    // Reads 1, 2, 3; ws-001 has three phases (add, assign, remove): 4, 5, 6; the other workspace one: 4.
    expect(counted.depths).toEqual([1, 2, 3, 4, 5, 4, 6, 7, 8, 5]);
  });

  it('counts a plan without writes as reads only', () => {
    const counted = requestDepths([get('/workspaces/ws-001'), get('/organization/members?offset=100')], index);
    expect(counted).toEqual({ reads: 2, writes: 0, readBacks: 0, depths: [1, 2] });
  });
});

describe('replaceFigures', () => {
  it('replaces the block between the markers and nothing else', () => {
    const readme = `# Title\n\n${BEGIN_MARKER}\nold figures\n${END_MARKER}\n\nafter\n`;
    expect(replaceFigures(readme, 'new figures\n')).toBe(`# Title\n\n${BEGIN_MARKER}\n\nnew figures\n\n${END_MARKER}\n\nafter\n`);
    expect(() => replaceFigures('# no markers\n', 'x')).toThrow(/markers/);
  });
});

describe('renderFigures', () => {
  const phase = (wallMs: number, lowerBoundMs: number, reads: number, writes: number): PhaseResult => ({
    wallMs, cpuMs: 100, peakRssMb: 120, requests: reads + writes, reads, writes, readBacks: 0, maxInFlight: 8, lowerBoundMs, requestsByDepth: [],
  });
  const base = { orgMembers: 2_000, workspaces: 41, guardrails: 164, assignments: 5_962, fileLines: 16_113, fileBytes: 1, concurrency: 8, batchSize: 100, startMs: 250 };
  const measured: SizeResult = {
    ...base,
    memberships: 10_000,
    loadMs: 300,
    changes: { add: 1, remove: 1, assign: 1, unassign: 1, move: 1, assignKeys: 0, unassignKeys: 0, moveKeys: 0, workspaces: 1, total: 5 },
    plan: phase(1_000, 900, 282, 0),
    apply: { ...phase(2_000, 1_900, 282, 326), minimalWrites: 326 },
    converged: true,
    violations: [],
    baselineReads: 353,
    baseline: { readRequests: 353, writeRequests: 326, readMs: 1, writeMs: 1, wallMs: 20_000, cpuMs: 1, peakRssMb: 1, sameFinalState: true },
    shapes: [{ shape: 'one workspace, guardrails only', gatesyncPlanRequests: 30, baselineReadRequests: 25 }],
  };
  const refused: SizeResult = { ...base, memberships: 200_000, baselineReads: 0, error: 'gatesync.yaml:1:1: error: the file is over the limit' };
  const report: BenchReport = {
    date: '2026-01-02T03:04:05.000Z', node: 'v20.0.0', cpus: 2, loadAverage: { start: 1, end: 2 }, latencyMs: 25,
    sizes: [measured, refused],
    planner: { memberships: 1_000_000, assignments: 1, changes: 1, cpuMs: 900, wallMs: 900, rssBeforeMb: 300, peakRssMb: 400 },
  };

  it('states the speed-up, the end-to-end ratio against its target, and a refused size', () => {
    const figures = renderFigures(report);
    expect(figures).toContain('`gatesync apply` is 10.0× faster than the strongest simple script');
    expect(figures).toContain('| 10,000 | **plan + apply** | 3.00 s |  |  |  |  | 2.80 s | **1.07** ✓ |');
    expect(figures).toContain('not measured: gatesync.yaml:1:1: error: the file is over the limit');
    expect(figures).toContain('| one workspace, guardrails only | 30 | 25 | ✗ |');
  });

  it('fails count targets, and only reports timing ones', () => {
    const failed = targetsOf(report).filter((target) => !target.met);
    expect(failed.map((target) => target.name)).toEqual([
      '10,000: "one workspace, guardrails only": plan requests ≤ the baseline\'s reads',
      '200,000: gatesync plans and applies the file',
    ]);
    const slow = { ...report, sizes: [{ ...measured, shapes: [], apply: { ...measured.apply!, wallMs: 5_000 } }] };
    expect(targetsOf(slow).filter((target) => !target.met)).toEqual([expect.objectContaining({ timing: true, detail: '2.14' })]);
  });
});
