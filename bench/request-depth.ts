/**
 * The dependency depth of every request a gatesync process made, from the
 * simulator's log, for the round-trip lower bound (`lower-bound.ts`). Depths
 * follow what the data requires (api.md), not what gatesync chooses to wait
 * for, so the bound holds for any client reading the same listings.
 *
 * Reads: a first page needs only what names its resource — a workspace's
 * members and guardrails need its UUID (one lookup; a members listing by
 * the slug from the file needs nothing), a guardrail's
 * assignments need the guardrail's id (its workspace's guardrail listing, or
 * the lookup for a default guardrail) — and every later page needs its first
 * page's `total_count`, one round trip more; `GET /keys` has no
 * `total_count`, so each of its pages needs the one before.
 *
 * In an apply, every write needs the whole plan, so it comes after the
 * deepest read R, and within a workspace the phases run in order: a write of
 * the p-th non-empty phase of its workspace has depth R + p. A read after
 * the first write reads back what was written: it needs its workspace's
 * last phase (or, when its workspace is unknown, one write).
 */
import { isUuid, type SimulatorState } from '../src/simulator/index.js';
import type { LoggedRequest } from './simulator-thread.js';

const API_PREFIX = '/api/v1';
/** Pages of `GET /keys` are 100 long (api.md): the next one is at `offset + 100`. */
const KEY_PAGE = 100;

/** Which workspace each guardrail belongs to, and which guardrails are workspaces' defaults. */
export interface OrgIndex {
  workspaceOfGuardrail: ReadonlyMap<string, string>;
  defaultGuardrails: ReadonlySet<string>;
}

export function orgIndex(state: SimulatorState): OrgIndex {
  const workspaceOfGuardrail = new Map<string, string>();
  for (const guardrail of state.guardrails) if (guardrail.workspace_id) workspaceOfGuardrail.set(guardrail.id, guardrail.workspace_id);
  const defaultGuardrails = new Set(state.workspaces.map((workspace) => workspace.default_guardrail_id));
  for (const workspace of state.workspaces) workspaceOfGuardrail.set(workspace.default_guardrail_id, workspace.id);
  return { workspaceOfGuardrail, defaultGuardrails };
}

interface Request {
  method: string;
  path: string;
  query: URLSearchParams;
}

function parse({ method, url }: LoggedRequest): Request {
  const parsed = new URL(url, 'http://simulator.invalid');
  const path = parsed.pathname.startsWith(API_PREFIX) ? parsed.pathname.slice(API_PREFIX.length) : parsed.pathname;
  return { method, path, query: parsed.searchParams };
}

/** Round trips a page waits for after its listing's first page. */
function pageSteps({ path, query }: Request): number {
  const offset = Number(query.get('offset') ?? 0);
  if (path === '/keys') return Math.floor(offset / KEY_PAGE);
  return offset > 0 ? 1 : 0;
}

/** The depth of a listing's first page, or of a lookup. */
function firstPageDepth({ path, query }: Request, index: OrgIndex): number {
  const byWorkspace = query.has('workspace_id') ? 1 : 0;
  if (path === '/keys' || path === '/guardrails') return 1 + byWorkspace;
  const members = /^\/workspaces\/([^/]+)\/members$/.exec(path);
  if (members) return isUuid(members[1]!) ? 2 : 1;
  const assignments = /^\/guardrails\/([^/]+)\/assignments\/(?:members|keys)$/.exec(path);
  if (assignments) return index.defaultGuardrails.has(assignments[1]!) ? 2 : 3;
  return 1;
}

/** The depth of a read made while planning. */
export function readDepth(logged: LoggedRequest, index: OrgIndex): number {
  const request = parse(logged);
  return firstPageDepth(request, index) + pageSteps(request);
}

/** Apply's phases in the order they run within a workspace. */
const WRITE_PHASES: readonly RegExp[] = [
  /^\/workspaces\/([^/]+)\/members\/add$/,
  /^\/guardrails\/([^/]+)\/assignments\/(?:members|keys)$/,
  /^\/guardrails\/([^/]+)\/assignments\/(?:members|keys)\/remove$/,
  /^\/workspaces\/([^/]+)\/members\/remove$/,
];

interface Write {
  phase: number;
  workspaceId: string | undefined;
}

function write({ path }: Request, index: OrgIndex): Write {
  for (const [phase, pattern] of WRITE_PHASES.entries()) {
    const id = pattern.exec(path)?.[1];
    if (id !== undefined) return { phase, workspaceId: path.startsWith('/guardrails/') ? index.workspaceOfGuardrail.get(id) : id };
  }
  return { phase: 0, workspaceId: undefined };
}

/** The workspace a read-back concerns, when its path or query names one. */
function workspaceOfRead({ path, query }: Request, index: OrgIndex): string | undefined {
  const workspaceId = query.get('workspace_id') ?? /^\/workspaces\/([^/]+)\//.exec(path)?.[1];
  if (workspaceId) return workspaceId;
  const guardrailId = /^\/guardrails\/([^/]+)\//.exec(path)?.[1];
  return guardrailId === undefined ? undefined : index.workspaceOfGuardrail.get(guardrailId);
}

export interface ProcessRequests {
  /** Reads before the first write: the plan's. */
  reads: number;
  writes: number;
  /** Reads after the first write: apply reading back what it wrote. */
  readBacks: number;
  depths: number[];
}

/** Counts a process's requests by kind and gives each its depth, as the module comment explains. */
export function requestDepths(log: readonly LoggedRequest[], index: OrgIndex): ProcessRequests {
  const requests = log.map(parse);
  const firstWrite = requests.findIndex((request) => request.method !== 'GET');
  const planReads = firstWrite < 0 ? requests : requests.slice(0, firstWrite);
  const depths = planReads.map((request) => firstPageDepth(request, index) + pageSteps(request));
  if (firstWrite < 0) return { reads: planReads.length, writes: 0, readBacks: 0, depths };
  const deepestRead = depths.reduce((deepest, depth) => Math.max(deepest, depth), 0);

  const later = requests.slice(firstWrite);
  const writes = later.filter((request) => request.method !== 'GET').map((request) => write(request, index));
  const phasesOf = new Map<string | undefined, Set<number>>();
  for (const { phase, workspaceId } of writes) phasesOf.set(workspaceId, (phasesOf.get(workspaceId) ?? new Set()).add(phase));
  const rank = ({ phase, workspaceId }: Write) => [...phasesOf.get(workspaceId)!].sort((a, b) => a - b).indexOf(phase) + 1;
  let readBacks = 0;
  for (const request of later) {
    if (request.method === 'GET') {
      readBacks++;
      const phases = phasesOf.get(workspaceOfRead(request, index))?.size ?? 1;
      depths.push(deepestRead + phases + 1 + pageSteps(request));
    } else {
      const written = write(request, index);
      depths.push(deepestRead + (written.workspaceId === undefined ? 1 : rank(written)));
    }
  }
  return { reads: planReads.length, writes: writes.length, readBacks, depths };
}
