/** The relation table: every change kind and every bulk call belongs to exactly one relation, in the documented phase. */
import { describe, expect, it } from 'vitest';
import type { Change } from '../src/model/plan.js';
import { callOf, effectOf, effectOfCall, PHASES, RELATIONS, type RelationName } from '../src/model/relations.js';

const base = { workspaceId: 'ws', workspaceSlug: 'research', guardrailId: 'g', guardrailName: 'Daily cap' };
const member = { ...base, userId: 'user_1', email: 'a@corp.example' };
const key = { ...base, keyHash: 'h1', keyName: 'ci', keyLabel: 'sk-…' };
const EVERY_KIND: Change[] = [
  { kind: 'add-member', ...member },
  { kind: 'remove-member', ...member },
  { kind: 'assign', ...member },
  { kind: 'move', ...member, fromGuardrailId: 'g2', fromGuardrailName: 'B' },
  { kind: 'unassign', ...member, reason: 'not-listed' },
  { kind: 'assign-key', ...key },
  { kind: 'move-key', ...key, fromGuardrailId: 'g2', fromGuardrailName: 'B' },
  { kind: 'unassign-key', ...key },
];

describe('relations', () => {
  it('places each change kind in its relation, direction and apply phase; a move is one assign call on its new guardrail', () => {
    const placed = EVERY_KIND.map((change) => {
      const effect = effectOf(change);
      return `${change.kind}: ${effect.relation} ${effect.direction} ${callOf(effect).call}@${callOf(effect).phase} on ${effect.containerId} of ${effect.subjectId}`;
    });
    expect(placed).toEqual([
      'add-member: workspace-members add add-members@add on ws of user_1',
      'remove-member: workspace-members remove remove-members@remove on ws of user_1',
      'assign: guardrail-members add assign@assign on g of user_1',
      'move: guardrail-members add assign@assign on g of user_1',
      'unassign: guardrail-members remove unassign@unassign on g of user_1',
      'assign-key: guardrail-keys add assign-keys@assign on g of h1',
      'move-key: guardrail-keys add assign-keys@assign on g of h1',
      'unassign-key: guardrail-keys remove unassign-keys@unassign on g of h1',
    ]);
  });

  it('maps every bulk call back to its relation, with phases in the documented order', () => {
    for (const [name, relation] of Object.entries(RELATIONS) as Array<[RelationName, (typeof RELATIONS)[RelationName]]>) {
      expect(effectOfCall(relation.add.call)).toEqual({ relation: name, direction: 'add' });
      expect(effectOfCall(relation.remove.call)).toEqual({ relation: name, direction: 'remove' });
      expect(PHASES.indexOf(relation.add.phase)).toBeLessThan(PHASES.indexOf(relation.remove.phase));
    }
    expect(PHASES).toEqual(['add', 'assign', 'unassign', 'remove']);
    expect(RELATIONS['workspace-members'].maxIdsPerCall).toBe(100);
  });
});
