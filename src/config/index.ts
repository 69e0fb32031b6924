/** The config layer: YAML text in, a validated and normalized `Config` (or located diagnostics) out. */
export { loadConfig } from './load-config.js';
export { readConfig } from './read-config.js';
export { formatDiagnostic } from './format-diagnostic.js';
export { suggest } from '../model/suggest.js';
export { normalizeEmail, normalizeGuardrailName } from '../model/normalize.js';
export * from '../model/config.js';
