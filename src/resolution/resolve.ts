/**
 * Online resolution: turns the file's names (emails, slugs, guardrail names)
 * into ids, using what `observe` read. Pure: returns values, never throws.
 */
import type { Desired, DesiredGuardrail, DesiredWorkspace, MemberSource } from '../model/desired.js';
import type { Observed, ObservedWorkspace, Scope } from '../model/observed.js';
import { place } from '../config/format-diagnostic.js';
import { lookupKey, normalizeGuardrailName } from '../model/normalize.js';
import { OrgEmails } from './org-emails.js';
import { suggest } from '../model/suggest.js';
import type { Config, Diagnostic, GuardrailConfig, KeyRef, MemberRef, RelatedLocation, SourceLocation, WorkspaceConfig } from '../model/config.js';
import type { KeyInfo } from '../model/org.js';

const MAX_SUGGESTIONS = 20;

export interface ResolveResult {
  desired?: Desired;
  errors: Diagnostic[];
  warnings: Diagnostic[];
  /** A key ref matched no key of any workspace read: with `Observed.keysElsewhere`, its error could say where the key belongs. */
  keysUnplaced?: true;
}

/** What `observe` must read for this file. */
export function scopeOf(config: Config): Scope {
  return {
    workspaces: config.workspaces.map((w) => ({
      key: lookupKey(w.key),
      guardrailKeys: w.guardrails.map((g) => lookupKey(g.key)),
      managesMembers: w.members !== undefined,
      readsKeys: w.guardrails.some((g) => g.keys !== undefined),
    })),
  };
}

export function resolve(config: Config, observed: Observed): ResolveResult {
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const error = (location: SourceLocation, message: string, hint?: string, related?: RelatedLocation) =>
    errors.push({ severity: 'error', message, hint, location, ...(related !== undefined && { related }) });

  const orgEmails = new OrgEmails(observed.orgMembers.values());
  const emails = [...orgEmails.emails()];
  const userIds = [...observed.orgMembers.keys()];
  // "Did you mean" scans every candidate: offered for the first few unknowns only, so a file full of typos stays fast.
  let suggestionsLeft = MAX_SUGGESTIONS;
  let keysUnplaced = false;

  /** Resolves a member list to user ids; a person listed twice is kept once, with a warning. */
  const resolveMembers = (refs: MemberRef[], what: string): Map<string, MemberSource & { ref: MemberRef }> => {
    const resolved = new Map<string, MemberSource & { ref: MemberRef }>();
    for (const ref of refs) {
      const holders = ref.kind === 'email' ? orgEmails.holders(ref.ref) : [];
      if (holders.length > 1) {
        error(
          ref.location,
          `${ref.ref} is the email of ${holders.length} organization members: ${holders.map((m) => `${m.userId} (${m.email})`).join(', ')}`,
          'emails are compared without regard to case: name the member by user id instead',
        );
        continue;
      }
      const userId = ref.kind === 'email' ? holders[0]?.userId : observed.orgMembers.has(ref.ref) ? ref.ref : undefined;
      if (!userId) {
        const near = suggestionsLeft-- > 0 ? suggest(ref.ref, ref.kind === 'email' ? emails : userIds) : undefined;
        error(
          ref.location,
          `${ref.kind === 'email' ? 'no organization member has the email' : 'no organization member has the id'} ${ref.ref}`,
          near ? `did you mean ${near}?` : 'invite them to the organization first, or fix the spelling',
        );
        continue;
      }
      const earlier = resolved.get(userId);
      if (earlier) {
        if (earlier.ref.ref !== ref.ref || earlier.ref.via === ref.via) {
          warnings.push({
            severity: 'warning',
            message: `${ref.ref} is the same person as ${earlier.ref.ref} (line ${earlier.ref.location.line}) in ${what}; listed once`,
            location: ref.location,
          });
        }
        continue;
      }
      resolved.set(userId, { via: ref.via, ref });
    }
    return resolved;
  };

  const seenWorkspaces = new Map<string, WorkspaceConfig>();
  const workspaces: DesiredWorkspace[] = [];
  for (const workspaceConfig of config.workspaces) {
    const observedWorkspace = observed.workspacesByKey.get(lookupKey(workspaceConfig.key));
    if (!observedWorkspace) {
      const near = suggest(workspaceConfig.key, (observed.allWorkspaces ?? []).map((w) => w.slug));
      error(
        workspaceConfig.location,
        `no workspace has the slug or id ${workspaceConfig.key}`,
        near ? `did you mean ${near}?` : undefined,
      );
      continue;
    }
    const twin = seenWorkspaces.get(observedWorkspace.info.id);
    if (twin) {
      const sameFile = twin.location.file === workspaceConfig.location.file;
      error(
        workspaceConfig.location,
        `${workspaceConfig.key} is the same workspace as ${twin.key} (${sameFile ? `line ${twin.location.line}` : place(twin.location)})`,
        sameFile ? 'list each workspace once' : 'declare each workspace in one file only, by its slug or by its UUID',
        { location: twin.location, message: `workspace ${twin.key} first declared here` },
      );
      continue;
    }
    seenWorkspaces.set(observedWorkspace.info.id, workspaceConfig);
    const desired = resolveWorkspace(workspaceConfig, observedWorkspace);
    if (desired) workspaces.push(desired);
  }
  // Top-level entries (`protected`, groups) are resolved once per workspace that uses them: report each problem once.
  if (!errors.length) return { desired: { workspaces }, errors, warnings: unique(warnings) };
  const failed: ResolveResult = { errors: unique(errors), warnings: unique(warnings) };
  if (keysUnplaced && !observed.keysElsewhere) failed.keysUnplaced = true;
  return failed;

  function resolveWorkspace(config: WorkspaceConfig, observedWorkspace: ObservedWorkspace): DesiredWorkspace | undefined {
    const { info } = observedWorkspace;
    const errorCount = errors.length;
    if (config.members && observedWorkspace.isDefault) {
      error(
        config.membersLocation ?? config.location,
        observedWorkspace.defaultUnproven
          ? `workspace ${info.slug} may be the default workspace: it holds every organization member, and the API named no other workspace as the default`
          : `workspace ${info.slug} is the default workspace: every organization member belongs to it`,
        observedWorkspace.defaultUnproven
          ? 'remove `members` here, or give the default workspace (if the organization has one) a guardrail or an API key, so that the API names it'
          : 'remove `members` here; manage its guardrails only',
      );
    }
    const members = config.members && !observedWorkspace.isDefault ? resolveMembers(config.members, `workspace ${info.slug}`) : undefined;
    const protectedIds = new Set(resolveMembers(config.protected, 'protected').keys());

    const guardrails = new Map<string, DesiredGuardrail>();
    const keys = keyResolver(observedWorkspace);
    const keyOf = new Map<string, GuardrailConfig>();
    const guardrailOf = new Map<string, { id: string; name: string; ref: MemberRef }>();
    for (const guardrailConfig of config.guardrails) {
      const guardrail = findGuardrail(guardrailConfig.key, guardrailConfig.location, observedWorkspace);
      if (!guardrail) continue;
      const twin = keyOf.get(guardrail.id);
      if (twin) {
        error(
          guardrailConfig.location,
          `${guardrailConfig.key} is the same guardrail as ${twin.key} (line ${twin.location.line})`,
          'list each guardrail once',
        );
        continue;
      }
      keyOf.set(guardrail.id, guardrailConfig);
      const listed = guardrailConfig.members && resolveMembers(guardrailConfig.members, `guardrail ${guardrail.name}`);
      for (const [userId, source] of listed ?? []) {
        const other = guardrailOf.get(userId);
        if (other && other.id !== guardrail.id) {
          error(
            source.ref.location,
            `${source.ref.ref} is listed under guardrails ${other.name} (line ${other.ref.location.line}) and ${guardrail.name} of workspace ${info.slug}`,
            'a member has at most one guardrail per workspace',
          );
        }
        guardrailOf.set(userId, { id: guardrail.id, name: guardrail.name, ref: source.ref });
        // Where the file leaves membership unmanaged it is not read: the API refuses a non-member there, and apply names them.
        // With `prune: false`, live members the file does not list stay members, so they may be assigned.
        const isMember = !members || members.has(userId) || (!config.prune && observedWorkspace.members.has(userId));
        if (!isMember && !observedWorkspace.isDefault) {
          error(
            source.ref.location,
            `${source.ref.ref} is assigned to guardrail ${guardrail.name} but is not in the members of workspace ${info.slug}`,
            'add them to the workspace `members`',
          );
        }
      }
      const wantedKeys = guardrailConfig.keys && keys.resolveListed(guardrailConfig.keys, guardrail.name);
      guardrails.set(guardrail.id, {
        info: guardrail,
        ...(listed && { members: new Map([...listed].map(([userId, { via }]) => [userId, { via }])) }),
        ...(wantedKeys && { keys: wantedKeys }),
        prune: guardrailConfig.prune,
        allowEmpty: guardrailConfig.allowEmpty,
      });
    }
    if (errors.length > errorCount) return undefined;
    return {
      info,
      members: members && new Map([...members].map(([userId, { via }]) => [userId, { via }])),
      prune: config.prune,
      allowEmpty: config.allowEmpty,
      protected: protectedIds,
      protectedKeys: keys.resolveProtected(config.protectedKeys),
      safety: config.safety,
      guardrails,
    };
  }

  /**
   * Key refs of one workspace → key hashes. A ref is a key's hash or its
   * name, which must match exactly one key of the workspace. A key is listed
   * under one guardrail at most: it holds at most one.
   */
  function keyResolver(workspace: ObservedWorkspace) {
    const slug = workspace.info.slug;
    const byHash = workspace.keys ?? new Map<string, KeyInfo>();
    const byName = new Map<string, KeyInfo[]>();
    for (const key of byHash.values()) byName.set(key.name, [...(byName.get(key.name) ?? []), key]);
    const listedUnder = new Map<string, { guardrail: string; ref: KeyRef }>();

    const find = (ref: KeyRef): KeyInfo[] => {
      const exact = byHash.get(ref.ref);
      return exact ? [exact] : (byName.get(ref.ref) ?? []);
    };
    const elsewhere = (ref: string): string | undefined => {
      for (const other of observed.workspacesByKey.values()) {
        if (other && other.info.id !== workspace.info.id && other.keys && (other.keys.has(ref) || [...other.keys.values()].some((k) => k.name === ref))) return other.info.slug;
      }
      const holders = observed.keysElsewhere?.get(ref)?.filter((other) => other !== slug);
      if (holders?.length) return holders.join(', ');
      keysUnplaced = true;
      return undefined;
    };

    return {
      resolveListed(refs: KeyRef[], guardrail: string): Set<string> {
        const hashes = new Set<string>();
        for (const ref of refs) {
          const found = find(ref);
          if (found.length > 1) {
            error(ref.location, `${found.length} keys of workspace ${slug} are named ${ref.ref}: ${found.map((k) => k.hash).join(', ')}`, 'name the key by its hash');
            continue;
          }
          const key = found[0];
          if (!key) {
            const other = elsewhere(ref.ref);
            const near = other === undefined && suggestionsLeft-- > 0 ? suggest(ref.ref, [...byName.keys()]) : undefined;
            error(
              ref.location,
              other === undefined ? `workspace ${slug} has no key named or hashed ${ref.ref}` : `key ${ref.ref} belongs to workspace ${other}, not to ${slug}`,
              other === undefined ? (near ? `did you mean ${near}?` : 'check the key\'s name, or use its hash') : 'a key can only hold a guardrail of its own workspace: list it there',
            );
            continue;
          }
          const earlier = listedUnder.get(key.hash);
          if (earlier && earlier.guardrail !== guardrail) {
            error(
              ref.location,
              `key ${key.name} is listed under guardrails ${earlier.guardrail} (line ${earlier.ref.location.line}) and ${guardrail} of workspace ${slug}`,
              'a key holds at most one guardrail: keep one of the two',
            );
            continue;
          }
          listedUnder.set(key.hash, { guardrail, ref });
          hashes.add(key.hash);
        }
        return hashes;
      },
      /** Protected keys apply in every workspace of the file: a ref that names no key here protects nothing here. */
      resolveProtected(refs: KeyRef[]): Set<string> {
        return new Set(refs.flatMap((ref) => find(ref).map((key) => key.hash)));
      },
    };
  }

  function findGuardrail(key: string, location: SourceLocation, workspace: ObservedWorkspace) {
    const slug = workspace.info.slug;
    const all = [...workspace.guardrails.values()].map((g) => g.info);
    const id = lookupKey(key);
    // Listed or not (it is absent from listings until configured), the default guardrail is known from the workspace.
    if (id === workspace.info.defaultGuardrailId?.toLowerCase()) return refuseDefaultGuardrail(key);
    const byId = workspace.guardrails.get(id)?.info;
    const name = normalizeGuardrailName(key);
    const byName = all.filter((g) => normalizeGuardrailName(g.name) === name);
    const guardrail = byId ?? byName[0];
    if (byName.length > 1 && !byId) {
      error(location, `workspace ${slug} has ${byName.length} guardrails named ${key}`, `use the guardrail's id: ${byName.map((g) => g.id).join(' or ')}`);
      return undefined;
    }
    if (!guardrail) {
      if (observed.foreignGuardrails.has(id)) {
        const foreign = observed.foreignGuardrails.get(id);
        if (foreign) {
          error(
            location,
            foreign.workspaceId
              ? `guardrail ${foreign.name} (${key}) belongs to another workspace (${foreign.workspaceId}), not to ${slug}`
              : `guardrail ${foreign.name} (${key}) has no workspace and cannot be assigned to members`,
            foreign.workspaceId ? 'list it under its own workspace' : undefined,
          );
          return undefined;
        }
      }
      const near = suggest(key, all.map((g) => g.name));
      error(location, `workspace ${slug} has no guardrail named ${key}`, near ? `did you mean ${near}?` : undefined);
      return undefined;
    }
    if (guardrail.id === workspace.info.defaultGuardrailId) return refuseDefaultGuardrail(guardrail.name);
    return guardrail;

    function refuseDefaultGuardrail(label: string): undefined {
      error(
        location,
        `${label} is the default guardrail of workspace ${slug}: it governs every member without a direct guardrail and cannot be assigned`,
        'list the members who need another guardrail under that guardrail instead',
      );
      return undefined;
    }
  }
}

function unique(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.location.line}:${d.location.col}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
