/**
 * Masking the management key: the one function every output path and every
 * excerpt of a server answer goes through.
 */

export const REDACTED = '[REDACTED]';

/**
 * The shortest run of the key's characters that counts as a fragment of it.
 * Shorter runs are never masked: masking them would rewrite ordinary text (a
 * key `k` would turn `/workspaces` into `/wor[REDACTED]spaces`). A key this
 * short is refused before any request carries it, so it is not a secret.
 */
export const MIN_KEY_FRAGMENT = 12;

/**
 * Replaces the key, and every run of at least `MIN_KEY_FRAGMENT` characters
 * that also occurs in the key, with `[REDACTED]`. Text without such a run is
 * returned unchanged, so masking never disturbs other output (JSON stays
 * JSON: a masked run holds only the key's characters, which a checked key
 * limits to the Bearer token alphabet).
 */
export function redactKey(text: string, key: string | undefined): string {
  if (!key || key.length < MIN_KEY_FRAGMENT) return text;
  const fragments = new Set<string>();
  for (let start = 0; start + MIN_KEY_FRAGMENT <= key.length; start++) fragments.add(key.slice(start, start + MIN_KEY_FRAGMENT));
  const runs: Array<[number, number]> = [];
  for (const fragment of fragments) {
    for (let at = text.indexOf(fragment); at !== -1; at = text.indexOf(fragment, at + 1)) runs.push([at, at + MIN_KEY_FRAGMENT]);
  }
  if (runs.length === 0) return text;
  runs.sort((a, b) => a[0] - b[0]);
  let masked = '';
  let maskedUpTo = -1;
  for (const [start, end] of runs) {
    if (start > maskedUpTo) masked += text.slice(Math.max(maskedUpTo, 0), start) + REDACTED;
    maskedUpTo = Math.max(maskedUpTo, end);
  }
  return masked + text.slice(maskedUpTo);
}
