import { MIN_KEY_FRAGMENT } from './redact.js';

/**
 * Real management keys are tens of characters long; a shorter key than this is a
 * mistake, and could not be masked without rewriting ordinary output (masking
 * works on runs of `MIN_KEY_FRAGMENT` characters).
 */
const MIN_API_KEY_LENGTH = MIN_KEY_FRAGMENT;
/** RFC 6750 `b64token`: the characters a Bearer token may hold, none of which needs escaping in JSON or a header. */
const BEARER_TOKEN = /^[A-Za-z0-9._~+/-]+=*$/;

/** Why a string cannot be a management key, or `undefined` when it can; never quotes the key. */
export function apiKeyProblem(key: string): string | undefined {
  if (key.length < MIN_API_KEY_LENGTH) {
    return `it is ${key.length} character${key.length === 1 ? '' : 's'} long, too short to be a management key`;
  }
  if (!BEARER_TOKEN.test(key)) return 'it holds characters a management key never has (spaces, quotes or other punctuation)';
  return undefined;
}
