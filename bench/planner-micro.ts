/**
 * Micro-benchmark of the pure planner: `plan()` on an in-memory desired and
 * observed state of 1,000,000 memberships (no HTTP, no YAML). Run alone
 * (`node --max-old-space-size=1024 dist/bench/planner-micro.js [memberships]`)
 * it prints one JSON line; `bench.ts` runs it that way in a child process, so
 * that its peak RSS is the planner's and nothing else's.
 */
import { pathToFileURL } from 'node:url';
import { resourceUsage } from 'node:process';
import { DEFAULT_SAFETY } from '../src/model/config.js';
import type { Desired, DesiredGuardrail, DesiredWorkspace, MemberSource } from '../src/model/desired.js';
import { plan } from '../src/plan/plan.js';
import type { Observed, ObservedGuardrail, ObservedWorkspace } from '../src/model/observed.js';
import type { OrgMember } from '../src/model/org.js';
import { mulberry32 } from '../src/simulator/index.js';

export interface PlannerMicroResult {
  memberships: number;
  assignments: number;
  changes: number;
  cpuMs: number;
  wallMs: number;
  /** Resident set size before `plan()` (inputs built) and at its peak (whole process, inputs included). */
  rssBeforeMb: number;
  peakRssMb: number;
}

const WORKSPACES = 100;
const GUARDRAILS_PER_WORKSPACE = 3;

/** Builds the states, then times one `plan()` call. */
export function runPlannerMicro(memberships: number, seed = 3): PlannerMicroResult {
  const { desired, observed, assignments } = buildStates(memberships, seed);
  const rssBefore = process.memoryUsage.rss();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const result = plan(desired, observed);
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    memberships,
    assignments,
    changes: result.changes.length,
    cpuMs: (cpu.user + cpu.system) / 1000,
    wallMs,
    rssBeforeMb: rssBefore / 2 ** 20,
    peakRssMb: resourceUsage().maxRSS / 1024,
  };
}

/**
 * 100 workspaces of `memberships / 100` members each, drawn from an
 * organization of `memberships / 10` people; half the members hold one of
 * three guardrails. The desired state churns as the HTTP benchmark's does:
 * 10 % leave, as many join, 5 % are unassigned, 5 % move, 10 % of the
 * unassigned get a guardrail.
 */
function buildStates(memberships: number, seed: number): { desired: Desired; observed: Observed; assignments: number } {
  const random = mulberry32(seed);
  const perWorkspace = Math.floor(memberships / WORKSPACES);
  const orgSize = Math.max(perWorkspace * 2, Math.floor(memberships / 10));
  const userIds = Array.from({ length: orgSize }, (_, i) => `user_${String(i).padStart(7, '0')}`);
  const orgMembers = new Map<string, OrgMember>(
    userIds.map((userId, i) => [userId, { userId, email: `member${i}@corp.example`, firstName: null, lastName: null, role: 'org:member' }]),
  );
  const workspacesByKey = new Map<string, ObservedWorkspace>();
  const desiredWorkspaces: DesiredWorkspace[] = [];
  let assignments = 0;
  for (let w = 0; w < WORKSPACES; w++) {
    const info = { id: `ws-${w}`, slug: `ws-${w}`, name: `Workspace ${w}`, defaultGuardrailId: `g-${w}-default` };
    const start = Math.floor(random() * orgSize);
    const live = Array.from({ length: perWorkspace }, (_, i) => userIds[(start + i) % orgSize]!);
    const guardrailInfos = Array.from({ length: GUARDRAILS_PER_WORKSPACE }, (_, g) => ({ id: `g-${w}-${g}`, name: `Guardrail ${g}`, workspaceId: info.id }));
    const liveGuardrails = new Map<string, ObservedGuardrail>([
      [info.defaultGuardrailId, { info: { id: info.defaultGuardrailId, name: 'Default', workspaceId: info.id }, members: new Set() }],
      ...guardrailInfos.map((g): [string, ObservedGuardrail] => [g.id, { info: g, members: new Set() }]),
    ]);
    const held = new Map<string, number>();
    for (const userId of live) {
      if (random() < 0.5) continue;
      const g = Math.floor(random() * GUARDRAILS_PER_WORKSPACE);
      held.set(userId, g);
      liveGuardrails.get(guardrailInfos[g]!.id)!.members.add(userId);
      assignments++;
    }
    workspacesByKey.set(info.slug, { info, isDefault: false, members: new Set(live), guardrails: liveGuardrails });

    const members = new Map<string, MemberSource>();
    const leaving = Math.floor(perWorkspace * 0.1);
    for (const userId of live) if (random() >= 0.1) members.set(userId, {});
    for (let i = 0; i < leaving; i++) members.set(userIds[(start + perWorkspace + i) % orgSize]!, {});
    const guardrails = new Map<string, DesiredGuardrail>(
      guardrailInfos.map((g) => [g.id, { info: g, members: new Map(), prune: true, allowEmpty: false }]),
    );
    for (const userId of members.keys()) {
      const current = held.get(userId);
      const draw = random();
      let target: number | undefined;
      if (current === undefined) target = draw < 0.1 ? Math.floor(random() * GUARDRAILS_PER_WORKSPACE) : undefined;
      else if (draw < 0.05) target = undefined;
      else if (draw < 0.1) target = (current + 1) % GUARDRAILS_PER_WORKSPACE;
      else target = current;
      if (target !== undefined) guardrails.get(guardrailInfos[target]!.id)!.members!.set(userId, {});
    }
    desiredWorkspaces.push({ info, members, prune: true, allowEmpty: false, protected: new Set(), safety: DEFAULT_SAFETY, guardrails });
  }
  const observed: Observed = { orgMembers, workspacesByKey, foreignGuardrails: new Map() };
  return { desired: { workspaces: desiredWorkspaces }, observed, assignments };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const memberships = Number(process.argv[2] ?? 1_000_000);
  console.log(JSON.stringify(runPlannerMicro(memberships)));
}
