import { REDACTED, redactKey } from './redact.js';

/**
 * A non-2xx answer of the management API, as the API describes it:
 * `{ error: { code, message, metadata }, user_id }`.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly apiMessage: string,
    readonly method: string,
    readonly path: string,
    /** The member the refusal names (`error.metadata.user_id`), when it names one. */
    readonly memberId: string | null = null,
    readonly metadata: Record<string, unknown> | null = null,
    /** What to check, in one sentence, when the status alone points at the setup (key, base URL). */
    readonly hint: string | null = null,
  ) {
    super(`${method} ${path} answered ${status}: ${apiMessage}`);
  }
}

/** A request that got no usable answer (no connection, timeout, run deadline, an answer that is not the API's). */
export class TransportError extends Error {
  override readonly name = 'TransportError';

  constructor(
    readonly method: string,
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${method} ${path} failed: ${reason}`);
  }
}

/** The longest excerpt of a raw server answer that any message carries. */
export const MAX_EXCERPT_CHARS = 200;
/** The longest documented error message shown: the API's own words, but still a server answer. */
const MAX_API_MESSAGE_CHARS = 500;
/** Only this much of a body is looked at: a huge answer costs no more than a small one. */
const EXCERPT_WINDOW_CHARS = 16 * 1024;
const BEARER_VALUE = /\bbearer\s+[^\s"'<>,;]+/gi;
const AUTHORIZATION_VALUE = /\b(authorization["']?\s*[:=]\s*["']?)[^\r\n"'<>,;]*/gi;
const HTML_TAG = /<[^>]*>/g;
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]+/g;

/**
 * A short, single-line, printable excerpt of a server answer ('' when it
 * holds no text). The key and any run of its characters are masked before
 * the text is cut, so a cut never leaves a piece of the key behind;
 * `Authorization` and `Bearer` values are dropped whatever they hold. HTML
 * is reduced to its text.
 */
export function excerpt(body: string, apiKey: string | undefined, maxChars = MAX_EXCERPT_CHARS): string {
  const window = withoutCutKey(body.slice(0, EXCERPT_WINDOW_CHARS), body.length > EXCERPT_WINDOW_CHARS ? apiKey : undefined);
  const masked = redactKey(window, apiKey)
    .replace(BEARER_VALUE, `Bearer ${REDACTED}`)
    .replace(AUTHORIZATION_VALUE, `$1${REDACTED}`);
  const text = (isHtml(window) ? masked.replace(HTML_TAG, ' ') : masked).replace(CONTROL_CHARACTERS, ' ').replace(/\s+/g, ' ').trim();
  return text.length > maxChars || (body.length > window.length && text !== '') ? `${text.slice(0, maxChars)}…` : text;
}

/** What a server sent, for a message: `an empty body`, `an HTML page: "…"` or `"…"`. */
export function describeBody(body: string, apiKey: string | undefined): string {
  const text = excerpt(body, apiKey);
  if (isHtml(body)) return text ? `an HTML page: ${JSON.stringify(text)}` : 'an HTML page';
  return text ? JSON.stringify(text) : 'an empty body';
}

/** A window that ends inside the key would keep its first characters, too few to mask as a fragment: they go. */
function withoutCutKey(window: string, apiKey: string | undefined): string {
  for (let length = Math.min(apiKey?.length ?? 0, window.length); length > 0; length--) {
    if (window.endsWith(apiKey!.slice(0, length))) return window.slice(0, -length);
  }
  return window;
}

function isHtml(body: string): boolean {
  return /^\s*</.test(body);
}

/**
 * Parses the API's error body. The message shown is always an excerpt of
 * what the server sent, whether or not it is the documented shape.
 */
export function apiErrorFromBody(
  status: number,
  text: string,
  method: string,
  path: string,
  apiKey?: string,
  hint: string | null = null,
): ApiError {
  const body = parseJson(text) as { error?: { message?: unknown; metadata?: unknown } } | undefined;
  const apiMessage = typeof body?.error?.message === 'string' ? excerpt(body.error.message, apiKey, MAX_API_MESSAGE_CHARS) : '';
  const message = apiMessage || `HTTP ${status} with ${describeBody(text, apiKey)}`;
  const metadata = body?.error?.metadata && typeof body.error.metadata === 'object' ? (body.error.metadata as Record<string, unknown>) : null;
  // Not the top-level `user_id`: the API does not say it names the refused member.
  const memberId = typeof metadata?.user_id === 'string' ? metadata.user_id : null;
  return new ApiError(status, message, method, path, memberId, metadata, hint);
}

/** The parsed JSON, or `undefined` when the text is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
