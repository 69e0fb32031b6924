/**
 * The built-in example organization, served when no state is given. Fixed
 * ids and timestamps (no randomness, no clock) so that plans against it are
 * stable in snapshots. `examples/gatesync.yaml` is written against it.
 *
 * What it contains, on purpose:
 * - `default` (implicit membership) plus `research`, `platform`, `sandbox`
 *   and `analytics`, each with a default guardrail and two or more others;
 * - two guardrails named `Daily cap` in different workspaces (names are
 *   unique only within a workspace) and a legacy guardrail with no workspace;
 * - Heidi holds active API keys in `research`, Ivan is SCIM-managed: the API
 *   refuses to remove either from a workspace;
 * - an org member with no name (`ops-bot`), and API keys with and without a
 *   guardrail.
 */
import type { SimulatorState, StateMember } from './state.js';

export const EXAMPLE_ORGANIZATION_ID = 'org_2corpExample';

export const EXAMPLE_WORKSPACE_IDS = {
  default: '0c0a0000-0000-4000-8000-000000000001',
  research: '0c0a0000-0000-4000-8000-000000000002',
  platform: '0c0a0000-0000-4000-8000-000000000003',
  sandbox: '0c0a0000-0000-4000-8000-000000000004',
  analytics: '0c0a0000-0000-4000-8000-000000000005',
} as const;

export const EXAMPLE_GUARDRAIL_IDS = {
  defaultPolicy: '9a000000-0000-4000-8000-000000000100',
  orgWideDailyCap: '9a000000-0000-4000-8000-000000000101',
  contractors: '9a000000-0000-4000-8000-000000000102',
  researchDefault: '9a000000-0000-4000-8000-000000000200',
  researchDailyCap: '9a000000-0000-4000-8000-000000000201',
  gpuHeavy: '9a000000-0000-4000-8000-000000000202',
  frontierModels: '9a000000-0000-4000-8000-000000000203',
  platformDefault: '9a000000-0000-4000-8000-000000000300',
  production: '9a000000-0000-4000-8000-000000000301',
  staging: '9a000000-0000-4000-8000-000000000302',
  onCall: '9a000000-0000-4000-8000-000000000303',
  sandboxDefault: '9a000000-0000-4000-8000-000000000400',
  experiments: '9a000000-0000-4000-8000-000000000401',
  freeModelsOnly: '9a000000-0000-4000-8000-000000000402',
  analyticsDefault: '9a000000-0000-4000-8000-000000000500',
  biTools: '9a000000-0000-4000-8000-000000000501',
  analyticsDailyCap: '9a000000-0000-4000-8000-000000000502',
  legacyKeyBudget: '9a000000-0000-4000-8000-000000000900',
} as const;

const PEOPLE: ReadonlyArray<[handle: string, first: string | null, last: string | null, admin?: boolean]> = [
  ['alice', 'Alice', 'Ng', true],
  ['bob', 'Bob', 'Martin'],
  ['carol', 'Carol', 'Diaz'],
  ['dave', 'Dave', 'Kim'],
  ['erin', 'Erin', 'Walsh', true],
  ['frank', 'Frank', 'Osei'],
  ['grace', 'Grace', 'Liu'],
  ['heidi', 'Heidi', 'Berg'],
  ['ivan', 'Ivan', 'Petrov'],
  ['judy', 'Judy', 'Park'],
  ['mallory', 'Mallory', 'Reed'],
  ['niaj', 'Niaj', 'Patel'],
  ['olivia', 'Olivia', 'Chen', true],
  ['peggy', 'Peggy', 'Shaw'],
  ['rupert', 'Rupert', 'Gray'],
  ['sybil', 'Sybil', 'Moreau'],
  ['trent', 'Trent', 'Adams'],
  ['victor', 'Victor', 'Sousa'],
  ['walter', 'Walter', 'Ruiz'],
  ['yara', 'Yara', 'Haddad'],
  ['opsbot', null, null],
];

/** `user_2alice` for `alice`: the user ids of the example organization. */
export function exampleUserId(handle: string): string {
  return `user_2${handle}`;
}

const u = exampleUserId;

function members(): StateMember[] {
  return PEOPLE.map(([handle, first, last, admin], index) => ({
    id: u(handle),
    email: handle === 'opsbot' ? 'ops-bot@corp.example' : `${handle}@corp.example`,
    first_name: first,
    last_name: last,
    role: admin ? 'org:admin' : 'org:member',
    ...(handle === 'ivan' ? { scim_managed: true } : {}),
    created_at: `2024-01-${String(index + 2).padStart(2, '0')}T09:00:00.000Z`,
  }));
}

/** A fresh copy of the example organization. */
export function exampleState(): SimulatorState {
  const W = EXAMPLE_WORKSPACE_IDS;
  const G = EXAMPLE_GUARDRAIL_IDS;
  const admin = u('alice');
  return {
    organization_id: EXAMPLE_ORGANIZATION_ID,
    created_at: '2024-01-01T08:00:00.000Z',
    members: members(),
    workspaces: [
      {
        id: W.default,
        slug: 'default',
        name: 'Default Workspace',
        description: 'Every organization member belongs here.',
        default_guardrail_id: G.defaultPolicy,
        created_by: admin,
        created_at: '2024-01-01T08:00:00.000Z',
        updated_at: '2024-01-01T08:00:00.000Z',
        keys: [
          { hash: 'c0ffee00000000000000000000000001', name: 'legacy-batch', label: 'sk-or-v1-0a1...f01', guardrail_id: G.legacyKeyBudget },
          { hash: 'c0ffee00000000000000000000000002', name: 'playground', label: 'sk-or-v1-0b2...e02', guardrail_id: G.orgWideDailyCap },
        ],
      },
      {
        id: W.research,
        slug: 'research',
        name: 'Research',
        description: 'Model evaluation and experiments.',
        default_guardrail_id: G.researchDefault,
        created_by: admin,
        created_at: '2024-02-01T10:00:00.000Z',
        updated_at: '2024-03-15T12:30:00.000Z',
        members: ['alice', 'bob', 'carol', 'dave', 'heidi', 'ivan', 'judy', 'niaj'].map(u),
        active_key_holders: [u('heidi')],
        keys: [
          { hash: 'c0ffee00000000000000000000000003', name: 'research-ci', label: 'sk-or-v1-1c3...d03', guardrail_id: G.researchDailyCap },
          { hash: 'c0ffee00000000000000000000000004', name: 'research-notebooks', label: 'sk-or-v1-1d4...c04' },
        ],
      },
      {
        id: W.platform,
        slug: 'platform',
        name: 'Platform',
        description: 'Production services.',
        default_guardrail_id: G.platformDefault,
        created_by: u('erin'),
        created_at: '2024-02-02T10:00:00.000Z',
        updated_at: '2024-02-02T10:00:00.000Z',
        members: ['erin', 'frank', 'grace', 'ivan', 'mallory', 'olivia', 'peggy'].map(u),
        keys: [
          { hash: 'c0ffee00000000000000000000000005', name: 'platform-deploy', label: 'sk-or-v1-2e5...b05', guardrail_id: G.production },
          { hash: 'c0ffee00000000000000000000000006', name: 'platform-monitoring', label: 'sk-or-v1-2f6...a06' },
        ],
      },
      {
        id: W.sandbox,
        slug: 'sandbox',
        name: 'Sandbox',
        description: null,
        default_guardrail_id: G.sandboxDefault,
        created_by: null,
        created_at: '2024-02-03T10:00:00.000Z',
        updated_at: null,
        members: ['alice', 'rupert', 'sybil', 'trent', 'victor', 'walter'].map(u),
      },
      {
        id: W.analytics,
        slug: 'analytics',
        name: 'Analytics',
        description: 'Dashboards and batch reporting.',
        default_guardrail_id: G.analyticsDefault,
        created_by: u('olivia'),
        created_at: '2024-02-04T10:00:00.000Z',
        updated_at: '2024-02-04T10:00:00.000Z',
        members: ['bob', 'niaj', 'olivia', 'yara', 'opsbot'].map(u),
        active_key_holders: [u('opsbot')],
        keys: [{ hash: 'c0ffee00000000000000000000000007', name: 'analytics-etl', label: 'sk-or-v1-3a7...907', guardrail_id: G.biTools }],
      },
    ],
    guardrails: [
      guardrail(G.defaultPolicy, 'Default policy', W.default, '2024-01-01T08:00:00.000Z', { limit_usd: 50, reset_interval: 'monthly' }),
      guardrail(G.orgWideDailyCap, 'Org-wide daily cap', W.default, '2024-01-05T08:00:00.000Z', { limit_usd: 10, reset_interval: 'daily', members: ['trent', 'walter'] }),
      guardrail(G.contractors, 'Contractors', W.default, '2024-01-06T08:00:00.000Z', { limit_usd: 20, reset_interval: 'weekly', allowed_providers: ['openai', 'anthropic'], members: ['yara'] }),
      guardrail(G.researchDefault, 'Research default', W.research, '2024-02-01T10:00:00.000Z', { limit_usd: 100, reset_interval: 'monthly' }),
      guardrail(G.researchDailyCap, 'Daily cap', W.research, '2024-02-01T10:05:00.000Z', { limit_usd: 25, reset_interval: 'daily', members: ['bob', 'carol', 'niaj'] }),
      guardrail(G.gpuHeavy, 'GPU heavy', W.research, '2024-02-01T10:10:00.000Z', { limit_usd: 500, reset_interval: 'weekly', members: ['dave'] }),
      guardrail(G.frontierModels, 'Frontier models', W.research, '2024-02-01T10:15:00.000Z', {
        allowed_models: ['anthropic/claude-opus-4', 'openai/gpt-5'],
        members: ['judy', 'heidi'],
      }),
      guardrail(G.platformDefault, 'Platform default', W.platform, '2024-02-02T10:00:00.000Z', { limit_usd: 200, reset_interval: 'monthly' }),
      guardrail(G.production, 'Production', W.platform, '2024-02-02T10:05:00.000Z', { limit_usd: 1000, reset_interval: 'monthly', members: ['frank', 'grace', 'erin'] }),
      guardrail(G.staging, 'Staging', W.platform, '2024-02-02T10:10:00.000Z', { limit_usd: 50, reset_interval: 'daily', members: ['mallory'] }),
      guardrail(G.onCall, 'On-call', W.platform, '2024-02-02T10:15:00.000Z', { limit_usd: 300, reset_interval: 'weekly', members: ['peggy'] }),
      guardrail(G.sandboxDefault, 'Sandbox default', W.sandbox, '2024-02-03T10:00:00.000Z', { limit_usd: 5, reset_interval: 'daily' }),
      guardrail(G.experiments, 'Experiments', W.sandbox, '2024-02-03T10:05:00.000Z', { limit_usd: 30, reset_interval: 'weekly', members: ['rupert', 'victor'] }),
      guardrail(G.freeModelsOnly, 'Free models only', W.sandbox, '2024-02-03T10:10:00.000Z', {
        limit_usd: 0,
        allowed_models: ['meta-llama/llama-3.3-70b-instruct:free'],
        members: ['sybil'],
      }),
      guardrail(G.analyticsDefault, 'Analytics default', W.analytics, '2024-02-04T10:00:00.000Z', { limit_usd: 80, reset_interval: 'monthly' }),
      guardrail(G.biTools, 'BI tools', W.analytics, '2024-02-04T10:05:00.000Z', { limit_usd: 40, reset_interval: 'weekly', members: ['yara'] }),
      guardrail(G.analyticsDailyCap, 'Daily cap', W.analytics, '2024-02-04T10:10:00.000Z', { limit_usd: 15, reset_interval: 'daily', members: ['opsbot'] }),
      guardrail(G.legacyKeyBudget, 'Legacy key budget', null, '2023-11-20T12:00:00.000Z', {
        description: 'Created before workspaces existed; applies to keys only.',
        limit_usd: 75,
        reset_interval: 'monthly',
      }),
    ],
  };
}

interface GuardrailExtras {
  description?: string;
  limit_usd?: number;
  reset_interval?: 'daily' | 'weekly' | 'monthly';
  allowed_models?: string[];
  allowed_providers?: string[];
  /** Handles (`alice`), turned into user ids. */
  members?: string[];
}

function guardrail(id: string, name: string, workspaceId: string | null, createdAt: string, extras: GuardrailExtras): SimulatorState['guardrails'][number] {
  return {
    id,
    name,
    description: extras.description ?? `${name} spending limit`,
    workspace_id: workspaceId,
    limit_usd: extras.limit_usd ?? null,
    reset_interval: extras.reset_interval ?? null,
    allowed_models: extras.allowed_models ?? null,
    allowed_providers: extras.allowed_providers ?? null,
    created_at: createdAt,
    updated_at: createdAt,
    members: (extras.members ?? []).map(u),
  };
}
