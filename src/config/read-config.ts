import { readFile, stat } from 'node:fs/promises';
import { loadConfig, problemAt } from './load-config.js';
import { checkSourceText, oversizeProblem, type SourceProblem } from './source-guards.js';
import type { LoadResult } from '../model/config.js';

/**
 * Reads and loads the file at `path`, labelling locations with `label`
 * (default: the path). Never throws; a file that cannot be read, is too
 * large (checked before reading it) or is not UTF-8 comes back as an error
 * at 1:1 or at the first bad byte.
 */
export async function readConfig(path: string, label = path): Promise<LoadResult> {
  const source = await readSource(path, label);
  return 'text' in source ? loadConfig(source.text, label) : source;
}

/**
 * The text of one configuration file: the only place the config layer
 * touches the disk, with the checks `readConfig` describes.
 */
export async function readSource(path: string, label: string): Promise<{ text: string } | LoadResult> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return problemAt(label, '', { offset: 0, message: `${label} is not a regular file` });
    const oversize = oversizeProblem(info.size);
    if (oversize !== undefined) return problemAt(label, '', oversize);
    const bytes = await readFile(path);
    // The file may have grown since `stat`.
    const grown = oversizeProblem(bytes.length);
    if (grown !== undefined) return problemAt(label, '', grown);
    const decoded = decodeUtf8(bytes);
    if ('problem' in decoded) return problemAt(label, decoded.text, decoded.problem);
    return { text: decoded.text };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return problemAt(label, '', { offset: 0, message: 'no such file', hint: 'name the configuration file or folder with -c (default: gatesync.yaml)' });
    }
    const reason = error instanceof Error ? error.message : String(error);
    return problemAt(label, '', { offset: 0, message: `cannot read the file: ${reason}` });
  }
}

const UTF16_BYTE_ORDER_MARKS = [
  [0xff, 0xfe],
  [0xfe, 0xff],
];

function decodeUtf8(bytes: Uint8Array): { text: string } | { text: string; problem: SourceProblem } {
  try {
    // `ignoreBOM` keeps a byte order mark in the text: loadConfig strips it, and hashes the text with it.
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes) };
  } catch {
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    if (UTF16_BYTE_ORDER_MARKS.some(([first, second]) => bytes[0] === first && bytes[1] === second)) {
      return { text, problem: { offset: 0, message: 'the file is UTF-16, not UTF-8', hint: 'save it as UTF-8' } };
    }
    const binary = checkSourceText(text);
    if (binary !== undefined) return { text, problem: binary };
    return {
      text,
      problem: {
        offset: Math.max(0, text.indexOf('\uFFFD')),
        message: 'the file is not valid UTF-8',
        hint: 'save it as UTF-8; if it is a binary file, point gatesync at the YAML file instead',
      },
    };
  }
}
