/**
 * The benchmark's organizations and desired states: a generated
 * organization (`generateOrg`, deterministic) and a desired state that
 * churns about 20 % of its memberships (10 % leave, as many join) and
 * changes assignments (unassigns, new assigns, moves between guardrails)
 * of members and of API keys alike.
 * The desired state is plain data, so the same one feeds the YAML file
 * gatesync reads and the sequential baseline.
 */
import { generateOrg, mulberry32 } from '../src/simulator/index.js';
import type { SimulatorState } from '../src/simulator/index.js';

export interface OrgSize {
  /** Explicit memberships of the non-default workspaces. */
  memberships: number;
  members: number;
  workspaces: number;
  guardrailsPerWorkspace: number;
}

/** The benchmark's sizes: many workspaces, three assignable guardrails each (plus the default one). */
export const SIZES: readonly OrgSize[] = [
  { memberships: 1_000, members: 400, workspaces: 10, guardrailsPerWorkspace: 3 },
  { memberships: 10_000, members: 2_000, workspaces: 40, guardrailsPerWorkspace: 3 },
  { memberships: 50_000, members: 10_000, workspaces: 100, guardrailsPerWorkspace: 3 },
  { memberships: 200_000, members: 40_000, workspaces: 200, guardrailsPerWorkspace: 3 },
];

/** API keys per non-default workspace, per membership there: more than a page of `GET /keys` at the largest size. */
const KEYS_PER_MEMBERSHIP = 0.25;
/** Share of the keys that hold an assignable guardrail. */
const KEY_ASSIGNED_SHARE = 0.5;

/** Share of a workspace's members who leave, and (as many) who join. */
const LEAVE_SHARE = 0.1;
/** Shares of the staying members whose assignment changes. */
const UNASSIGN_SHARE = 0.05;
const MOVE_SHARE = 0.05;
const ASSIGN_SHARE = 0.1;

export interface DesiredGuardrailSpec {
  name: string;
  emails: string[];
  /** Key names; absent where the workspace has no keys (the default workspace), so the file leaves them alone. */
  keys?: string[];
}

export interface DesiredWorkspaceSpec {
  slug: string;
  /** Absent for the default workspace, whose membership is implicit. */
  emails?: string[];
  /** Absent when the file manages none of the workspace's guardrails (no `guardrails:` key). */
  guardrails?: DesiredGuardrailSpec[];
}

export interface DesiredSpec {
  workspaces: DesiredWorkspaceSpec[];
}

export function orgState(size: OrgSize, seed = 7): SimulatorState {
  const membershipsPerWorkspace = Math.round(size.memberships / size.workspaces);
  const state = generateOrg({
    members: size.members,
    workspaces: size.workspaces,
    guardrailsPerWorkspace: size.guardrailsPerWorkspace,
    membershipsPerWorkspace,
    assignedShare: 0.5,
    seed,
  });
  addKeys(state, Math.round(membershipsPerWorkspace * KEYS_PER_MEMBERSHIP), mulberry32(seed + 1));
  return state;
}

/** Gives each non-default workspace `count` keys, about half of them on one of its assignable guardrails. */
function addKeys(state: SimulatorState, count: number, random: () => number): void {
  state.workspaces.forEach((workspace, index) => {
    if (workspace.slug === 'default') return;
    const assignable = state.guardrails.filter((g) => g.workspace_id === workspace.id && g.id !== workspace.default_guardrail_id);
    workspace.keys = Array.from({ length: count }, (_, key) => ({
      hash: `${index.toString(16).padStart(4, '0')}${key.toString(16).padStart(28, '0')}`,
      name: `${workspace.slug}-key-${key}`,
      label: `sk-mg-v1-…${key}`,
      ...(random() < KEY_ASSIGNED_SHARE && { guardrail_id: assignable[Math.floor(random() * assignable.length)]!.id }),
    }));
  });
}

/** The guardrail each subject should hold, by index into `assignable`, after churn: some unassigned, some moved, some newly assigned. */
function churnAssignments(subjects: readonly string[], heldBy: Map<string, number>, guardrails: number, random: () => number): Map<string, number> {
  const wanted = new Map<string, number>();
  for (const subject of subjects) {
    const held = heldBy.get(subject);
    const draw = random();
    if (held === undefined) {
      if (draw < ASSIGN_SHARE) wanted.set(subject, Math.floor(random() * guardrails));
    } else if (draw < UNASSIGN_SHARE) {
      continue;
    } else if (draw < UNASSIGN_SHARE + MOVE_SHARE && guardrails > 1) {
      wanted.set(subject, (held + 1 + Math.floor(random() * (guardrails - 1))) % guardrails);
    } else {
      wanted.set(subject, held);
    }
  }
  return wanted;
}

/** The desired state for `state`: every workspace and every assignable guardrail is managed. */
export function churnedDesired(state: SimulatorState, seed = 11): DesiredSpec {
  const random = mulberry32(seed);
  const emailOf = new Map(state.members.map((m) => [m.id, m.email]));
  const allUserIds = state.members.map((m) => m.id);
  const pickShare = <T>(items: readonly T[], share: number) => items.filter(() => random() < share);

  const workspaces: DesiredWorkspaceSpec[] = [];
  for (const workspace of state.workspaces) {
    const isDefault = workspace.slug === 'default';
    const assignable = state.guardrails.filter((g) => g.workspace_id === workspace.id && g.id !== workspace.default_guardrail_id);
    const current = isDefault ? allUserIds : (workspace.members ?? []);
    const leaving = new Set(isDefault ? [] : pickShare(current, LEAVE_SHARE));
    const staying = current.filter((userId) => !leaving.has(userId));
    const inWorkspace = new Set(current);
    const outsiders = allUserIds.filter((userId) => !inWorkspace.has(userId));
    // As many join, on average, as leave.
    const joining = isDefault ? [] : pickShare(outsiders, leaving.size / Math.max(1, outsiders.length));
    const members = [...staying, ...joining];

    const guardrailOf = new Map<string, number>();
    assignable.forEach((g, index) => {
      for (const userId of g.members ?? []) guardrailOf.set(userId, index);
    });
    const wanted = churnAssignments(members, guardrailOf, assignable.length, random);
    const keys = workspace.keys ?? [];
    const keyHolder = new Map<string, number>();
    for (const key of keys) if (key.guardrail_id) keyHolder.set(key.name, assignable.findIndex((g) => g.id === key.guardrail_id));
    const wantedKeys = churnAssignments(keys.map((key) => key.name), keyHolder, assignable.length, random);
    const guardrails: DesiredGuardrailSpec[] = assignable.map((g) => ({ name: g.name, emails: [], ...(keys.length > 0 && { keys: [] }) }));
    for (const [userId, index] of wanted) guardrails[index]!.emails.push(emailOf.get(userId)!);
    for (const [name, index] of wantedKeys) guardrails[index]!.keys!.push(name);
    workspaces.push({
      slug: workspace.slug,
      ...(isDefault ? {} : { emails: members.map((userId) => emailOf.get(userId)!) }),
      guardrails,
    });
  }
  return { workspaces };
}

/**
 * The gatesync file for a desired state; emails and slugs are plain YAML
 * scalars. Small guardrails lose more than the default 25 % by chance, so
 * the file raises the share limit, as a team planning this churn would.
 */
export function desiredYaml(spec: DesiredSpec): string {
  const lines = ['version: 1', 'safety:', '  max_removal_percent: 50', 'workspaces:'];
  for (const workspace of spec.workspaces) {
    lines.push(`  ${workspace.slug}:`);
    if (workspace.emails) {
      lines.push('    members:');
      for (const email of workspace.emails) lines.push(`      - ${email}`);
    }
    if (!workspace.guardrails) continue;
    lines.push('    guardrails:');
    for (const guardrail of workspace.guardrails) {
      if (!guardrail.keys) {
        lines.push(guardrail.emails.length ? `      ${guardrail.name}:` : `      ${guardrail.name}: []`);
        for (const email of guardrail.emails) lines.push(`        - ${email}`);
        continue;
      }
      lines.push(`      ${guardrail.name}:`, guardrail.emails.length ? '        members:' : '        members: []');
      for (const email of guardrail.emails) lines.push(`          - ${email}`);
      lines.push(guardrail.keys.length ? '        keys:' : '        keys: []');
      for (const key of guardrail.keys) lines.push(`          - ${key}`);
      if (guardrail.emails.length === 0 || guardrail.keys.length === 0) lines.push('        allow_empty: true');
    }
  }
  return lines.join('\n') + '\n';
}

/**
 * Files of other shapes over the same organization, for comparing request
 * counts: what gatesync reads depends on what the file names. A file that
 * leaves membership unmanaged assigns current members only.
 */
export function fileShapes(state: SimulatorState, spec: DesiredSpec): { name: string; spec: DesiredSpec }[] {
  const emailOf = new Map(state.members.map((m) => [m.id, m.email]));
  const currentEmails = new Map(
    state.workspaces.map((w) => [w.slug, new Set(w.slug === 'default' ? emailOf.values() : (w.members ?? []).map((userId) => emailOf.get(userId)!))]),
  );
  const guardrailsOnly = spec.workspaces.map(({ slug, guardrails }) => ({
    slug,
    guardrails: guardrails?.map((g) => ({ name: g.name, emails: g.emails.filter((email) => currentEmails.get(slug)?.has(email)) })),
  }));
  const membersOnly = spec.workspaces.filter((w) => w.emails).map(({ slug, emails }) => ({ slug, emails }));
  const first = spec.workspaces.find((w) => w.emails);
  const only = <T extends { slug: string }>(workspaces: T[], slug: string | undefined) => ({ workspaces: workspaces.filter((w) => w.slug === slug) });
  return [
    { name: 'every workspace, members and guardrails', spec },
    { name: 'every workspace, members only', spec: { workspaces: membersOnly } },
    { name: 'every workspace, guardrails only', spec: { workspaces: guardrailsOnly } },
    { name: 'one workspace, members and guardrails', spec: only(spec.workspaces, first?.slug) },
    { name: 'one workspace, guardrails only', spec: only(guardrailsOnly, first?.slug) },
    { name: 'the default workspace, guardrails only', spec: only(guardrailsOnly, 'default') },
  ];
}
