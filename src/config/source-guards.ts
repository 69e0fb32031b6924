/**
 * Checks on the raw text, before the YAML parser sees it: these are the
 * inputs that would make parsing slow, huge or meaningless.
 */
import { MAX_FILE_BYTES } from './limits.js';

/** A problem found before parsing, placed by character offset in the text. */
export interface SourceProblem {
  offset: number;
  message: string;
  hint?: string;
}

const BYTE_ORDER_MARK = '\uFEFF';

/**
 * Drops a leading UTF-8 byte order mark. It is not a column: stripping it
 * keeps every column of the first line as an editor shows it.
 */
export function stripByteOrderMark(text: string): string {
  return text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text;
}

/** Message and hint for a file of `bytes` bytes, or `undefined` when it is within the limit. */
export function oversizeProblem(bytes: number): SourceProblem | undefined {
  if (bytes <= MAX_FILE_BYTES) return undefined;
  return {
    offset: 0,
    message: `the file is ${formatBytes(bytes)}, over the ${formatBytes(MAX_FILE_BYTES)} limit`,
    hint: 'the export of a 1,000,000-membership organization is about 80 MB; check that this is the right file',
  };
}

/** YAML allows tab, line feed and carriage return, and no other C0 control character or DEL. */
const FORBIDDEN_CONTROL = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]/;

/** The size limit, then binary data and control characters: the first problem, if any. */
export function checkSourceText(text: string): SourceProblem | undefined {
  const oversize = oversizeProblem(Buffer.byteLength(text, 'utf8'));
  if (oversize !== undefined) return oversize;
  const control = FORBIDDEN_CONTROL.exec(text);
  if (control !== null) {
    const codePoint = control[0].charCodeAt(0);
    if (codePoint === 0) {
      return {
        offset: control.index,
        message: 'the file contains a NUL byte: it looks like binary data, not YAML',
        hint: 'point gatesync at the YAML membership file',
      };
    }
    return {
      offset: control.index,
      message: `control character U+${codePoint.toString(16).toUpperCase().padStart(4, '0')} is not allowed in YAML`,
      hint: 'remove it; it is often invisible in editors (a stray paste)',
    };
  }
  return undefined;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${trimZero(bytes / 1024)} KB`;
  return `${trimZero(bytes / (1024 * 1024))} MB`;
}

function trimZero(value: number): string {
  return value.toFixed(1).replace(/\.0$/, '');
}
