/**
 * The one normalization of each kind of name the file and the organization
 * both spell: applied to both sides of every comparison, so that two
 * spellings a reader cannot tell apart never count as different names.
 */

/** Emails: Unicode NFC, then lower case (the directory and the file may spell an address differently). */
export function normalizeEmail(email: string): string {
  return email.normalize('NFC').toLowerCase();
}

/**
 * Guardrail names: Unicode NFC only. `Café` typed on one keyboard and
 * pasted from another may differ in code points, not in what the reader
 * sees; letter case is kept because names are not documented as
 * case-insensitive.
 */
export function normalizeGuardrailName(name: string): string {
  return name.normalize('NFC');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** How a key of the file is looked up: UUIDs in lower case, as the API writes them; slugs and names as written. */
export function lookupKey(key: string): string {
  return UUID.test(key) ? key.toLowerCase() : key;
}
