/**
 * The relations gatesync reconciles, described once. The API treats them
 * alike — list, bulk add, bulk remove, one body field, one ordering rule —
 * so the planner's summary, the applier's phases, batching and read-back,
 * and the safety count of removals all derive from this table. A relation
 * added here and not handled elsewhere fails to compile: every switch over
 * `RelationName` or a change's kind ends in `never`.
 */
import type { Change, ResourceType } from './plan.js';

export type RelationName = 'workspace-members' | 'guardrail-members' | 'guardrail-keys';

/** The phases of apply, in the order they run within a workspace. */
export const PHASES = ['add', 'assign', 'unassign', 'remove'] as const;
export type Phase = (typeof PHASES)[number];

/** One bulk call of the API: which relation, and whether it adds or removes. */
export type CallKind = 'add-members' | 'remove-members' | 'assign' | 'unassign' | 'assign-keys' | 'unassign-keys';

export interface Relation {
  container: 'workspace' | 'guardrail';
  subject: 'member' | 'key';
  /** The body field of both bulk calls. */
  bodyField: 'user_ids' | 'member_user_ids' | 'key_hashes';
  /** How plans name the container's side of this relation (saved plans, safety messages). */
  resourceType: ResourceType;
  /** Documented maximum of ids per call; without one, calls are bounded by the batch size. */
  maxIdsPerCall?: number;
  add: { call: CallKind; phase: Phase };
  remove: { call: CallKind; phase: Phase };
  /** A subject holds at most one container per workspace: adding it to another moves it, in one call. */
  onePerWorkspace: boolean;
}

/** Ids per call when nothing else bounds it. */
export const DEFAULT_BATCH_SIZE = 100;

/** Every relation has its entry: one left out is a compile error. */
export const RELATIONS: Readonly<Record<RelationName, Relation>> = {
  'workspace-members': {
    container: 'workspace',
    subject: 'member',
    bodyField: 'user_ids',
    resourceType: 'workspace',
    maxIdsPerCall: 100,
    add: { call: 'add-members', phase: 'add' },
    remove: { call: 'remove-members', phase: 'remove' },
    onePerWorkspace: false,
  },
  'guardrail-members': {
    container: 'guardrail',
    subject: 'member',
    bodyField: 'member_user_ids',
    resourceType: 'guardrail',
    add: { call: 'assign', phase: 'assign' },
    remove: { call: 'unassign', phase: 'unassign' },
    onePerWorkspace: true,
  },
  'guardrail-keys': {
    container: 'guardrail',
    subject: 'key',
    bodyField: 'key_hashes',
    resourceType: 'guardrail-keys',
    add: { call: 'assign-keys', phase: 'assign' },
    remove: { call: 'unassign-keys', phase: 'unassign' },
    onePerWorkspace: true,
  },
};

export type Direction = 'add' | 'remove';

/** What a change does: to which relation, in which direction (a move adds to its new container). */
export interface ChangeEffect {
  relation: RelationName;
  direction: Direction;
  /** The container the call targets. */
  containerId: string;
  containerLabel: string;
  /** The member's user id or the key's hash. */
  subjectId: string;
}

/** The member's email or the key's name: how a person recognises the subject of a change. */
export function subjectLabelOf(change: Change): string {
  return 'keyHash' in change ? change.keyName : change.email;
}

export function effectOf(change: Change): ChangeEffect {
  switch (change.kind) {
    case 'add-member':
    case 'remove-member':
      return {
        relation: 'workspace-members',
        direction: change.kind === 'add-member' ? 'add' : 'remove',
        containerId: change.workspaceId,
        containerLabel: `workspace ${change.workspaceSlug}`,
        subjectId: change.userId,
      };
    case 'assign':
    case 'move':
    case 'unassign':
      return onGuardrail('guardrail-members', change, change.kind === 'unassign', change.userId);
    case 'assign-key':
    case 'move-key':
    case 'unassign-key':
      return onGuardrail('guardrail-keys', change, change.kind === 'unassign-key', change.keyHash);
    default:
      return unhandled(change);
  }
}

function onGuardrail(
  relation: RelationName,
  guardrail: { guardrailId: string; guardrailName: string },
  removes: boolean,
  subjectId: string,
): ChangeEffect {
  return {
    relation,
    direction: removes ? 'remove' : 'add',
    containerId: guardrail.guardrailId,
    containerLabel: `guardrail ${guardrail.guardrailName}`,
    subjectId,
  };
}

/** The end of an exhaustive switch: a case left out is a compile error here. */
export function unhandled(value: never): never {
  throw new Error(`internal: unhandled case ${JSON.stringify(value)}`);
}

/** The bulk call a change is made by. */
export function callOf(effect: Pick<ChangeEffect, 'relation' | 'direction'>): { call: CallKind; phase: Phase } {
  return RELATIONS[effect.relation][effect.direction];
}

/** The relation and direction a bulk call writes. */
export function effectOfCall(call: CallKind): { relation: RelationName; direction: Direction } {
  for (const [relation, entry] of Object.entries(RELATIONS) as Array<[RelationName, Relation]>) {
    if (entry.add.call === call) return { relation, direction: 'add' };
    if (entry.remove.call === call) return { relation, direction: 'remove' };
  }
  throw new Error(`internal: no relation makes the call ${call}`);
}
