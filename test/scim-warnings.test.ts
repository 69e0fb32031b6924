/** The SCIM warning is pure: which workspaces of a plan's removals the mappings may undo. */
import { describe, expect, it } from 'vitest';
import { plan } from '../src/plan/plan.js';
import { withScimWarnings } from '../src/plan/scim-warnings.js';
import { desiredOf, observedOf } from './support/states.js';

const observed = observedOf({ users: ['u1', 'u2', 'u3'], workspaces: { research: { members: ['u1', 'u2'] }, platform: { members: ['u3'] } } });
const removing = plan(desiredOf(observed, { research: { members: ['u1'] }, platform: { members: ['u3'] } }), observed);

describe('withScimWarnings', () => {
  it('warns only for workspaces the plan removes members from that a mapping feeds', () => {
    const warned = withScimWarnings(removing, { workspaceIds: new Set(['ws-research', 'ws-platform']), complete: true });
    expect(warned.warnings).toEqual([
      'workspace research has SCIM group mappings: the identity provider may add the 1 member removed here back on its next sync; remove them from the mapped groups too',
    ]);
  });

  it('warns that a workspace may be mapped when the mappings did not fit in the one page read', () => {
    const warned = withScimWarnings(removing, { workspaceIds: new Set(), complete: false });
    expect(warned.warnings).toEqual([expect.stringMatching(/^workspace research may have SCIM group mappings \(the organization has more than one page/)]);
  });

  it('leaves the plan as it is without mappings', () => {
    expect(withScimWarnings(removing, undefined)).toBe(removing);
    expect(withScimWarnings(removing, { workspaceIds: new Set(['ws-platform']), complete: true }).warnings).toEqual([]);
  });
});
