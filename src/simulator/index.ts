/**
 * The ModelGates API simulator: an in-process, real-HTTP stand-in for the
 * management API, used by the provider and CLI tests, the demo and the
 * benchmarks. The state file format and fault flags are in docs/simulator.md.
 */
export { startSimulator, DEFAULT_API_KEY, API_PREFIX } from './server.js';
export type { SimulatorOptions, RunningSimulator } from './server.js';
export { SimulatorStore } from './store.js';
export type { StoreOptions } from './store.js';
export type { RefusalMode } from './refusals.js';
export type {
  OrgMemberRecord,
  WorkspaceRecord,
  WorkspaceRole,
  MembershipRecord,
  GuardrailRecord,
  AssignmentRecord,
  ApiKeyRecord,
  KeyAssignmentRecord,
  RemovalResult,
  AssignResult,
  OrphanedAssignment,
  StateSnapshot,
} from './records.js';
export { SimulatorStats } from './stats.js';
export type { WriteLogEntry } from './stats.js';
export { parseFaultRates, validateFaultRates, FaultInjector, FAULT_STATUSES } from './faults.js';
export type { FaultRates, FaultKind, FaultStatus, FaultDecision } from './faults.js';
export { loadStateFile, parseState, isUuid, DEFAULT_STATE_TIMESTAMP } from './state.js';
export type { SimulatorState, StateMember, StateWorkspace, StateGuardrail, StateApiKey, StateScimMapping, OrgRole, ResetInterval } from './state.js';
export { exampleState, exampleUserId, EXAMPLE_ORGANIZATION_ID, EXAMPLE_WORKSPACE_IDS, EXAMPLE_GUARDRAIL_IDS } from './example-org.js';
export { generateOrg } from './generate-org.js';
export type { GenerateOrgOptions } from './generate-org.js';
export { SimulatorError, errorBody } from './errors.js';
export type { ErrorBody, ErrorMetadata } from './errors.js';
export { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from './pagination.js';
export { mulberry32 } from './prng.js';
