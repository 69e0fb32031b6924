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
  const runs = keyRuns(text, key);
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

/** Half a fragment: every `MIN_KEY_FRAGMENT` run of the key holds one of the key's blocks of this length that start at a multiple of it. */
const BLOCK = MIN_KEY_FRAGMENT / 2;

/**
 * The stretches of `text` that match the key, `MIN_KEY_FRAGMENT` characters
 * or longer, as [start, end). The text is searched for the key's aligned
 * blocks only, a sixth of the work of searching for every fragment: each
 * hit fixes where the text would sit in the key, and the match is extended
 * both ways from there.
 */
function keyRuns(text: string, key: string): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  for (let block = 0; block + BLOCK <= key.length; block += BLOCK) {
    const piece = key.slice(block, block + BLOCK);
    for (let at = text.indexOf(piece); at !== -1; at = text.indexOf(piece, at + 1)) {
      let start = at;
      let end = at + BLOCK;
      while (start > 0 && block - (at - start) > 0 && text[start - 1] === key[block - (at - start) - 1]) start--;
      while (end < text.length && block + (end - at) < key.length && text[end] === key[block + (end - at)]) end++;
      if (end - start >= MIN_KEY_FRAGMENT) runs.push([start, end]);
    }
  }
  return runs;
}
