/** Variants of the example organization for the default-workspace rules: another slug, none at all, an unconfigured default guardrail. */
import { EXAMPLE_GUARDRAIL_IDS as G, EXAMPLE_WORKSPACE_IDS as W, exampleState, exampleUserId, type SimulatorState } from '../../src/simulator/index.js';

/** The default workspace renamed `general`, and `sandbox` renamed `default`: a regular workspace with the old slug. */
export function defaultUnderAnotherSlug(): SimulatorState {
  const state = exampleState();
  for (const workspace of state.workspaces) {
    if (workspace.id === W.default) Object.assign(workspace, { slug: 'general', is_default: true });
    if (workspace.id === W.sandbox) Object.assign(workspace, { slug: 'default', is_default: false });
  }
  return state;
}

/**
 * An organization without a default workspace: the one with the slug
 * `default` is ordinary, its members the three people assigned to its guardrails.
 */
export function withoutDefaultWorkspace(): SimulatorState {
  const state = exampleState();
  for (const workspace of state.workspaces) workspace.is_default = false;
  state.workspaces[0]!.members = ['trent', 'walter', 'yara'].map(exampleUserId);
  return state;
}

/** `research`'s default guardrail is in force but was never configured. */
export function unconfiguredResearchDefault(): SimulatorState {
  const state = exampleState();
  state.guardrails = state.guardrails.filter((guardrail) => guardrail.id !== G.researchDefault);
  return state;
}
