/**
 * The three ways a member list names someone: an email, a user id
 * (`user_…`), or `group:NAME`. The JSON Schema carries the same patterns
 * (`MEMBER_REF_PATTERN`) so that editors flag mistakes; the explanations
 * with hints come from here.
 */

import { normalizeEmail } from './normalize.js';

export type ParsedMemberRef =
  | { kind: 'email'; ref: string }
  | { kind: 'user_id'; ref: string }
  | { kind: 'group'; name: string };

export interface MemberRefProblem {
  message: string;
  hint?: string;
}

export const GROUP_PREFIX = 'group:';

/** Characters never part of an address: whitespace, separators, brackets and invisible joiners. */
const NOT_IN_EMAIL = String.raw`\s@,;<>()\[\]"\u200B-\u200D\u2060`;
const EMAIL_SOURCE = String.raw`[^${NOT_IN_EMAIL}]+@[^${NOT_IN_EMAIL}.]+(?:\.[^${NOT_IN_EMAIL}.]+)+`;
const USER_ID_SOURCE = String.raw`user_[A-Za-z0-9]+`;
export const GROUP_NAME_PATTERN = String.raw`^[A-Za-z0-9][A-Za-z0-9._-]*$`;
const GROUP_NAME_SOURCE = GROUP_NAME_PATTERN.slice(1, -1);

/** The schema's `pattern` for a member reference. */
export const MEMBER_REF_PATTERN = `^(?:${USER_ID_SOURCE}|${GROUP_PREFIX}${GROUP_NAME_SOURCE}|${EMAIL_SOURCE})$`;

/** `protected` lists name API keys too, as `key:` and the key's name or hash. */
export const KEY_PREFIX = 'key:';

/** The schema's `pattern` for a `protected` entry: a member reference or a key. */
export const PROTECTED_REF_PATTERN = String.raw`^(?:${KEY_PREFIX}\S(?:.*\S)?|` + MEMBER_REF_PATTERN.slice(4);

const EMAIL = new RegExp(`^${EMAIL_SOURCE}$`, 'u');
const USER_ID = new RegExp(`^${USER_ID_SOURCE}$`, 'u');
const GROUP_NAME = new RegExp(GROUP_NAME_PATTERN, 'u');
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF]/u;

/**
 * The identity two refs share when they name the same person or group as
 * written. The normalized text is enough: emails contain `@`, user ids do
 * not, and a `group:` entry is never an email or a user id.
 */
export function memberRefKey(ref: ParsedMemberRef): string {
  return ref.kind === 'group' ? `${GROUP_PREFIX}${ref.name}` : ref.ref;
}

/**
 * Reads one entry of a member list. Never trims silently: an entry with
 * spaces around or inside it is a problem whose hint shows the fix.
 */
export function parseMemberRef(text: string): { ref: ParsedMemberRef } | { problem: MemberRefProblem } {
  if (text.startsWith(GROUP_PREFIX)) return parseGroupRef(text);
  if (USER_ID.test(text)) return { ref: { kind: 'user_id', ref: text } };
  if (EMAIL.test(text)) return { ref: { kind: 'email', ref: normalizeEmail(text) } };
  return { problem: explainBadRef(text) };
}

function parseGroupRef(text: string): { ref: ParsedMemberRef } | { problem: MemberRefProblem } {
  const name = text.slice(GROUP_PREFIX.length);
  if (GROUP_NAME.test(name)) return { ref: { kind: 'group', name } };
  if (name.trim() === '') return { problem: { message: `\`${text}\` names no group`, hint: 'write `group:NAME`' } };
  if (GROUP_NAME.test(name.trim())) {
    return {
      problem: {
        message: `${JSON.stringify(text)} has spaces around the group name`,
        hint: `write \`${GROUP_PREFIX}${name.trim()}\``,
      },
    };
  }
  return {
    problem: {
      message: `\`${text}\` is not a valid group reference`,
      hint: 'group names use letters, digits, `.`, `_` and `-`, and start with a letter or digit',
    },
  };
}

function explainBadRef(text: string): MemberRefProblem {
  const shown = JSON.stringify(text);
  if (text.trim() === '') return { message: 'empty member reference', hint: 'remove the entry or write an email' };
  const trimmed = text.trim();
  if (trimmed !== text && parsesCleanly(trimmed)) {
    return { message: `member reference ${shown} has spaces around it`, hint: `write \`${trimmed}\`` };
  }
  if (INVISIBLE.test(text)) {
    const withoutInvisible = text.replace(new RegExp(INVISIBLE.source, 'gu'), '');
    return {
      message: `member reference ${shown} contains an invisible character`,
      hint: parsesCleanly(withoutInvisible) ? `retype it as \`${withoutInvisible}\`` : 'retype it by hand',
    };
  }
  const withoutSpaces = text.replace(/\s+/gu, '');
  if (withoutSpaces !== text && parsesCleanly(withoutSpaces)) {
    return { message: `member reference ${shown} contains spaces`, hint: `write \`${withoutSpaces}\`` };
  }
  const angle = /<([^<>]+)>/u.exec(text);
  if (angle?.[1] !== undefined && EMAIL.test(angle[1].trim())) {
    return { message: `${shown} is a display name with an address`, hint: `write only the address: \`${angle[1].trim()}\`` };
  }
  if (text.toLowerCase().startsWith('mailto:') && EMAIL.test(text.slice('mailto:'.length))) {
    return { message: `${shown} is a mailto link`, hint: `write only the address: \`${text.slice('mailto:'.length)}\`` };
  }
  if (/^user_/iu.test(text)) {
    return { message: `${shown} is not a valid user id`, hint: 'user ids are `user_` followed by letters and digits' };
  }
  if (text.includes('@')) {
    return { message: `${shown} is not a valid email address`, hint: 'write one address per entry, like `alice@corp.example`' };
  }
  return {
    message: `${shown} is not a member reference`,
    hint: 'write an email (`alice@corp.example`), a user id (`user_…`) or a group (`group:NAME`)',
  };
}

function parsesCleanly(text: string): boolean {
  return 'ref' in parseMemberRef(text);
}
