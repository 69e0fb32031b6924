/**
 * gatesync as a library: the engine the CLI runs.
 *
 *   readConfig → HttpProvider → planOrganization (read → resolve → plan → check safety) → apply
 *
 * `planOrganization` is what `gatesync plan` runs; its steps are exported
 * too (observe(scopeOf) → resolve → plan → checkSafety), each a plain
 * function over plain data, so a script can stop after any of them or add
 * its own checks between. The relations gatesync reconciles are described
 * once, in `RELATIONS`. The simulator is a separate entry point,
 * `gatesync/simulator`.
 */
export { readConfig, formatDiagnostic, normalizeEmail, DEFAULT_SAFETY } from './config/index.js';
export type { Config, Diagnostic, LoadResult, SafetyLimits, SourceLocation, WorkspaceConfig, GuardrailConfig, MemberRef, KeyRef } from './config/index.js';
export { planOrganization, startReading } from './engine/plan-organization.js';
export type { PlanOptions, PlanOutcome } from './engine/plan-organization.js';
export { resolve, scopeOf } from './resolution/resolve.js';
export type { ResolveResult } from './resolution/resolve.js';
export { HttpProvider } from './providers/http-provider.js';
export type { ApiClientOptions, RequestEvent } from './providers/api-client.js';
export { ApiError, TransportError } from './providers/api-error.js';
export type { Provider } from './providers/provider.js';
export type { OrgMember, WorkspaceInfo, GuardrailInfo, AssignmentInfo, KeyInfo } from './model/org.js';
export { observe } from './providers/observe.js';
export type { ObserveOptions } from './providers/observe.js';
export type { Observed, ObservedWorkspace, ObservedGuardrail, Scope } from './model/observed.js';
export type { Desired } from './model/desired.js';
export { plan } from './plan/plan.js';
export type { Plan, PlanSummary, Change, ChangeKind, MemberChange, KeyChange, Kept, PlannedResource } from './model/plan.js';
export { assertSafe, checkSafety, safetyViolations, UnsafePlanError } from './plan/safety.js';
export type { SafetyCheck, SafetyViolation } from './plan/safety.js';
export { apply } from './apply/apply.js';
export { DEFAULT_BATCH_SIZE, RELATIONS } from './model/relations.js';
export type { CallKind, RelationName, Relation } from './model/relations.js';
export type { ApplyOptions, ApplyResult, BatchResult } from './apply/apply.js';
export { renderText } from './cli/render-text.js';
export { renderMarkdown } from './cli/render-markdown.js';
export { toPlanFile, renderJson } from './cli/plan-file.js';
export type { PlanFile } from './cli/plan-file.js';
