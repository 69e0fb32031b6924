/**
 * Large deterministic organizations for scale tests and benchmarks: the same
 * options always give the same state (seeded PRNG, fixed timestamps).
 */
import { mulberry32 } from './prng.js';
import type { SimulatorState, StateGuardrail, StateMember, StateWorkspace } from './state.js';

export interface GenerateOrgOptions {
  /** Organization members (every 25th is an admin). */
  members: number;
  /** Workspaces besides the default one. */
  workspaces: number;
  /** Assignable guardrails per workspace (the default workspace included), besides its default guardrail. */
  guardrailsPerWorkspace: number;
  /** Members of each non-default workspace; default: half the organization. */
  membershipsPerWorkspace?: number;
  /** Share (0–1) of each workspace's members directly assigned to one of its guardrails; default 0.5. */
  assignedShare?: number;
  seed: number;
}

const BASE_TIME = Date.parse('2024-01-01T00:00:00.000Z');

function uuid(prefix: string, index: number): string {
  return `${prefix}-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;
}

function timestamp(secondsAfterBase: number): string {
  return new Date(BASE_TIME + secondsAfterBase * 1000).toISOString();
}

/** Ids `user_gen000001`…, emails `member1@corp.example`…, workspaces `ws-001`…, guardrails `Guardrail 1`… per workspace. */
export function generateOrg(options: GenerateOrgOptions): SimulatorState {
  const { members: memberCount, workspaces: workspaceCount, guardrailsPerWorkspace, seed } = options;
  for (const [name, value] of Object.entries({ members: memberCount, workspaces: workspaceCount, guardrailsPerWorkspace })) {
    if (!Number.isInteger(value) || value < 0) throw new Error(`generateOrg: ${name} must be a non-negative integer, got ${value}`);
  }
  const membershipsPerWorkspace = Math.min(options.membershipsPerWorkspace ?? Math.ceil(memberCount / 2), memberCount);
  const assignedShare = options.assignedShare ?? 0.5;
  if (!(assignedShare >= 0 && assignedShare <= 1)) throw new Error(`generateOrg: assignedShare must be between 0 and 1, got ${assignedShare}`);
  const random = mulberry32(seed);

  const members: StateMember[] = [];
  for (let index = 1; index <= memberCount; index += 1) {
    members.push({
      id: `user_gen${String(index).padStart(6, '0')}`,
      email: `member${index}@corp.example`,
      first_name: 'Member',
      last_name: String(index),
      role: index % 25 === 1 ? 'org:admin' : 'org:member',
      created_at: timestamp(index),
    });
  }
  const userIds = members.map((member) => member.id);

  const workspaces: StateWorkspace[] = [];
  const guardrails: StateGuardrail[] = [];
  let guardrailCounter = 0;
  for (let workspaceIndex = 0; workspaceIndex <= workspaceCount; workspaceIndex += 1) {
    const isDefault = workspaceIndex === 0;
    const workspaceId = uuid('5e000000', workspaceIndex + 1);
    const createdAt = timestamp(memberCount + workspaceIndex + 1);
    const workspaceGuardrails: StateGuardrail[] = [];
    for (let guardrailIndex = 0; guardrailIndex <= guardrailsPerWorkspace; guardrailIndex += 1) {
      guardrailCounter += 1;
      workspaceGuardrails.push({
        id: uuid('6e000000', guardrailCounter),
        name: guardrailIndex === 0 ? 'Workspace default' : `Guardrail ${guardrailIndex}`,
        description: null,
        workspace_id: workspaceId,
        limit_usd: 10 * (guardrailIndex + 1),
        reset_interval: 'monthly',
        allowed_models: null,
        allowed_providers: null,
        created_at: createdAt,
        updated_at: createdAt,
        members: [],
      });
    }
    const defaultGuardrail = workspaceGuardrails[0] as StateGuardrail;
    const workspaceMembers = isDefault ? userIds : sample(userIds, membershipsPerWorkspace, random);
    const assignable = workspaceGuardrails.slice(1);
    if (assignable.length > 0) {
      for (const userId of workspaceMembers) {
        if (random() >= assignedShare) continue;
        const target = assignable[Math.floor(random() * assignable.length)] as StateGuardrail;
        target.members?.push(userId);
      }
    }
    workspaces.push({
      id: workspaceId,
      slug: isDefault ? 'default' : `ws-${String(workspaceIndex).padStart(3, '0')}`,
      name: isDefault ? 'Default Workspace' : `Workspace ${workspaceIndex}`,
      description: null,
      default_guardrail_id: defaultGuardrail.id,
      created_at: createdAt,
      updated_at: createdAt,
      members: isDefault ? [] : workspaceMembers,
    });
    guardrails.push(...workspaceGuardrails);
  }

  return { organization_id: `org_gen${seed}`, created_at: timestamp(0), members, workspaces, guardrails };
}

/** `count` distinct entries in their original order (partial Fisher–Yates over indices). */
function sample(userIds: readonly string[], count: number, random: () => number): string[] {
  const indices = Int32Array.from(userIds, (_, index) => index);
  for (let picked = 0; picked < count; picked += 1) {
    const swap = picked + Math.floor(random() * (indices.length - picked));
    const held = indices[picked] as number;
    indices[picked] = indices[swap] as number;
    indices[swap] = held;
  }
  return [...indices.subarray(0, count)].sort((a, b) => a - b).map((index) => userIds[index] as string);
}
