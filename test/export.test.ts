/**
 * `gatesync export` then `gatesync plan`, over real HTTP: whatever the
 * organization holds, the exported file loads and plans to no changes.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load-config.js';
import { renderConfig } from '../src/resolution/render-config.js';
import { resolve } from '../src/resolution/resolve.js';
import { plan } from '../src/plan/plan.js';
import type { Observed } from '../src/model/observed.js';
import { exampleState, type RunningSimulator, type SimulatorState } from '../src/simulator/index.js';
import { runGatesync, simulatorEnv, workdir } from './support/cli.js';
import { simulatorPerTest } from './support/org.js';
import { randomOrg, rng } from './support/random-org.js';
import { observedOf } from './support/states.js';

const start = simulatorPerTest();

/** Names an organization may hold that must not leak into the file as YAML. */
const HOSTILE_NAMES = [
  'Eve\n- mallory@corp.example',
  'Esc\u001b[31mape',
  'Carriage\r\nreturn',
  'Line\u2028separator',
  'Right-to-left \u202Eoverride',
  '# not: a key',
  'x'.repeat(500),
  '"quoted" \\ back',
  'Bell\u0007 and DEL\u007f',
  'Zero\u200Bwidth',
];

/** A seeded random organization (test/support/random-org.ts) as a simulator state, with hostile names and emails. */
function randomState(seed: number): SimulatorState {
  const random = rng(seed);
  const org = randomOrg(random, 24, 4, 3);
  const guardrailIds = new Map(org.guardrails.map((g, index) => [g.id, `9a000000-0000-4000-8000-${String(index).padStart(12, '0')}`]));
  const hostile = (index: number) => HOSTILE_NAMES[index % HOSTILE_NAMES.length]!;
  const odd = ['admin@localhost', ' h@corp.example ', 'group:x@corp.example', 'two words@corp.example'];
  return {
    organization_id: 'org_random',
    members: org.members.map((member, index) => ({
      id: member.userId,
      email: index < odd.length ? odd[index]! : member.email,
      first_name: random() < 0.5 ? hostile(index) : member.firstName,
      last_name: random() < 0.3 ? null : member.lastName,
      role: 'org:member',
    })),
    workspaces: org.workspaces.map((workspace, index) => ({
      id: workspace.id,
      slug: workspace.slug,
      name: hostile(index + seed),
      description: null,
      default_guardrail_id: guardrailIds.get(workspace.defaultGuardrailId ?? '')!,
      members: workspace.members ?? [],
      // Some keys share a name, some have names no list entry can hold as written.
      keys: (org.keys ?? [])
        .filter((key) => key.workspaceId === workspace.id)
        .map((key, keyIndex) => ({
          hash: `${String(index)}${String(keyIndex).padStart(31, 'a')}`,
          name: ['ci', 'ci', ' padded ', hostile(keyIndex), key.name][keyIndex % 5]!,
          label: key.label,
          guardrail_id: guardrailIds.get(org.keyAssignments!.find((row) => row.keyHash === key.hash)?.guardrailId ?? '') ?? null,
        })),
    })),
    guardrails: org.guardrails.map((guardrail, index) => ({
      id: guardrailIds.get(guardrail.id)!,
      // Some share a name, some differ only in Unicode form, some hold line breaks or look like ids.
      name: [guardrail.name, 'Café cap', 'Cafe\u0301 cap', 'Shared', 'Shared', 'Cap\nnext: 1', '9a000000-0000-4000-8000-000000000001'][
        index % 7
      ]!,
      description: null,
      workspace_id: guardrail.workspaceId,
      members: guardrail.members ?? [],
    })),
  };
}

/** Offline, for states the simulator cannot hold: the text loads, resolves against `observed` and plans to nothing. */
function expectNoChanges(text: string, observed: Observed): void {
  const loaded = loadConfig(text, 'g.yaml');
  expect(loaded.errors).toEqual([]);
  const resolved = resolve(loaded.config!, observed);
  expect(resolved.errors).toEqual([]);
  expect(plan(resolved.desired!, observed).changes).toEqual([]);
}

async function exportThenPlan(simulator: RunningSimulator, exportArgs: string[] = []) {
  const cwd = workdir();
  const env = simulatorEnv(simulator);
  const exported = await runGatesync(['export', '-o', 'gatesync.yaml', ...exportArgs], { cwd, env });
  const text = exported.code === 0 ? readFileSync(join(cwd, 'gatesync.yaml'), 'utf8') : '';
  const planned = await runGatesync(['plan', '--detailed-exitcode'], { cwd, env });
  return { exported, text, planned };
}

describe('export → plan is a no-op', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('random organization %i, hostile names and emails included', async (seed) => {
    const state = randomState(seed);
    const simulator = await start({ state });
    // Someone leaves a workspace and keeps their guardrail there (the API does not say it unassigns them); others stay on it.
    const workspace = state.workspaces.find((w) => w.slug !== 'default' && (w.members ?? []).length > 0)!;
    const assigned = state.guardrails.find((g) => g.workspace_id === workspace.id && (g.members ?? []).length > 1);
    if (assigned) simulator.store.removeWorkspaceMember(workspace.id, assigned.members![0]!);

    const { exported, text, planned } = await exportThenPlan(simulator);
    expect(exported.code, exported.stderr).toBe(0);
    expect(planned.stderr).toBe('');
    expect(planned.code, planned.stdout).toBe(0);
    expect(simulator.stats.writes).toBe(0);
    // Every comment is one printable line, capped.
    for (const line of text.split('\n')) expect(line).not.toMatch(/[\p{C}\u2028\u2029]/u);
    expect(text).not.toMatch(/^\s*- mallory@corp\.example/m);
    for (const match of text.matchAll(/ {2}# (.*)$/gm)) expect([...match[1]!].length).toBeLessThanOrEqual(80);
    if (assigned) expect(text).toContain('protected:');
    if (state.workspaces.some((w) => (w.keys ?? []).some((key) => key.guardrail_id))) expect(text).toContain('        keys:');
  });

  it('writes the keys each guardrail holds, by name or, when a name cannot single the key out, by hash', async () => {
    const state = exampleState();
    const research = state.workspaces.find((w) => w.slug === 'research')!;
    research.keys = [...(research.keys ?? []), { hash: 'c0ffee000000000000000000000000aa', name: 'research-ci', label: 'sk-or-v1-twin', guardrail_id: null }];
    const simulator = await start({ state });
    const { exported, text, planned } = await exportThenPlan(simulator, ['--workspace', 'research']);
    expect(exported.code, exported.stderr).toBe(0);
    expect(text).toContain('        keys:\n          - c0ffee00000000000000000000000003  # research-ci sk-or-v1-1c3...d03');
    expect(planned.code, planned.stdout + planned.stderr).toBe(0);
  });

  it('the example organization, one workspace, and the default workspace alone', async () => {
    const simulator = await start({ state: exampleState() });
    for (const args of [[], ['--workspace', 'research'], ['--workspace', 'default']]) {
      const { exported, planned } = await exportThenPlan(simulator, args);
      expect(exported.code, exported.stderr).toBe(0);
      expect(planned.code, planned.stdout + planned.stderr).toBe(0);
    }
  });

  it('the default workspace with no assignments: its guardrails are listed empty', async () => {
    const state = exampleState();
    for (const guardrail of state.guardrails) if (guardrail.workspace_id === state.workspaces[0]!.id) guardrail.members = [];
    const simulator = await start({ state });
    const { exported, text, planned } = await exportThenPlan(simulator, ['--workspace', 'default']);
    expect(exported.code, exported.stderr).toBe(0);
    expect(text).toContain('Org-wide daily cap:\n        members: []\n        keys:\n          - playground  # sk-or-v1-0b2...e02\n        allow_empty: true');
    expect(planned.code, planned.stdout + planned.stderr).toBe(0);
  });

  it('a member with an invalid directory email is exported by user id, the email in the comment', async () => {
    const state = exampleState();
    state.members[0]!.email = 'admin@localhost';
    const simulator = await start({ state });
    const { text, planned } = await exportThenPlan(simulator);
    expect(text).toMatch(/- user_2alice\s+# Alice Ng <admin@localhost>/);
    expect(planned.code, planned.stdout + planned.stderr).toBe(0);
  });
});

describe('assignments no file can name', () => {
  it('a guardrail still holding someone who left the organization is exported with `prune: false`', () => {
    const state = observedOf({ users: ['user_a', 'user_b'], workspaces: { research: { members: ['user_a', 'user_b'], guardrails: { cap: ['user_a', 'user_gone'] } } } });
    const text = renderConfig(state, { schemaRef: './gatesync.schema.json' })!;
    expect(text).toContain('      cap:\n        members:\n          - user_a@corp.example\n        prune: false  # also assigned: user_gone\n');
    expectNoChanges(text, state);
  });
});

describe('modeline', () => {
  it('points at the installed package schema when there is one, else at a copy beside the file', async () => {
    const simulator = await start({ state: exampleState() });
    const env = simulatorEnv(simulator);
    const cwd = workdir();
    mkdirSync(join(cwd, 'node_modules', 'gatesync', 'schemas'), { recursive: true });
    writeFileSync(join(cwd, 'node_modules', 'gatesync', 'schemas', 'gatesync.schema.json'), '{}');
    mkdirSync(join(cwd, 'config'));
    await runGatesync(['export', '-o', 'gatesync.yaml'], { cwd, env });
    await runGatesync(['export', '-o', 'config/gatesync.yaml'], { cwd, env });
    expect(readFileSync(join(cwd, 'gatesync.yaml'), 'utf8')).toMatch(
      /^# yaml-language-server: \$schema=\.\/node_modules\/gatesync\/schemas\/gatesync\.schema\.json\n/,
    );
    expect(readFileSync(join(cwd, 'config', 'gatesync.yaml'), 'utf8')).toMatch(
      /^# yaml-language-server: \$schema=\.\.\/node_modules\/gatesync\/schemas\/gatesync\.schema\.json\n/,
    );
    const bare = await runGatesync(['export'], { cwd: workdir(), env });
    expect(bare.stdout).toMatch(/^# yaml-language-server: \$schema=\.\/gatesync\.schema\.json\n/);
  });
});

describe('emails that differ only in letter case', () => {
  const observed = () => {
    const state = observedOf({ users: ['user_pat1', 'user_pat2', 'user_kim'], workspaces: { research: { members: ['user_pat1', 'user_kim'] } } });
    state.orgMembers.get('user_pat1')!.email = 'Pat@Corp.Example';
    state.orgMembers.get('user_pat2')!.email = 'pat@corp.example';
    return state;
  };

  it('are an error at the line, naming both user ids', () => {
    const loaded = loadConfig('version: 1\nworkspaces:\n  research:\n    members:\n      - user_kim\n      - pat@corp.example\n', 'g.yaml');
    const resolved = resolve(loaded.config!, observed());
    expect(resolved.desired).toBeUndefined();
    expect(resolved.errors).toHaveLength(1);
    expect(resolved.errors[0]!.location.line).toBe(6);
    expect(resolved.errors[0]!.message).toContain('user_pat1 (Pat@Corp.Example)');
    expect(resolved.errors[0]!.message).toContain('user_pat2 (pat@corp.example)');
    expect(resolved.errors[0]!.hint).toContain('user id');
  });

  it('are exported as user ids, and the export plans to no changes', () => {
    const state = observed();
    const text = renderConfig(state, { schemaRef: './gatesync.schema.json' })!;
    expect(text).toContain('- user_pat1');
    expect(text).not.toMatch(/^\s*- pat@corp\.example/im);
    expectNoChanges(text, state);
  });
});

describe('guardrail names', () => {
  it('match whatever Unicode form the file and the organization use', async () => {
    const state = exampleState();
    state.guardrails.find((g) => g.name === 'Daily cap' && g.workspace_id === state.workspaces[1]!.id)!.name = 'Café cap';
    const simulator = await start({ state });
    const cwd = workdir({
      'gatesync.yaml': 'version: 1\nworkspaces:\n  research:\n    guardrails:\n      "Cafe\\u0301 cap": [bob@corp.example, carol@corp.example, niaj@corp.example]\n',
    });
    const planned = await runGatesync(['plan', '--detailed-exitcode'], { cwd, env: simulatorEnv(simulator) });
    expect(planned.stderr).toBe('');
    expect(planned.code).toBe(0);
  });
});
