/**
 * The one stable order of a plan: by workspace, then by kind in apply order,
 * then by guardrail, then by member. Output and snapshots depend on it.
 */
import { compareText } from '../model/compare-text.js';
import { CHANGE_KIND_RANK, type Change, type Kept } from '../model/plan.js';

/** A member by email, then user id; a key by name, then hash. */
function subjectKey(subject: Change | Kept): string[] {
  return 'keyHash' in subject ? [subject.keyName, subject.keyHash] : [subject.email || subject.userId, subject.userId];
}

function sortKey(change: Change): string {
  const guardrail = 'guardrailName' in change ? change.guardrailName : '';
  return [change.workspaceSlug, CHANGE_KIND_RANK[change.kind], guardrail, ...subjectKey(change)].join('\u0000');
}

function keptKey(kept: Kept): string {
  // Members before keys on one guardrail.
  return [kept.workspaceSlug, kept.guardrailName ?? '', 'keyHash' in kept ? '1' : '0', ...subjectKey(kept)].join('\u0000');
}

function sortBy<T>(items: T[], key: (item: T) => string): T[] {
  const keyed = items.map((item) => ({ item, key: key(item) }));
  keyed.sort((a, b) => compareText(a.key, b.key));
  return keyed.map(({ item }) => item);
}

export const sortChanges = (changes: Change[]): Change[] => sortBy(changes, sortKey);
export const sortKept = (kept: Kept[]): Kept[] => sortBy(kept, keptKey);
