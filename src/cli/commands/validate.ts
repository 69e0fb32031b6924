import type { Args } from '../args.js';
import { EXIT } from '../errors.js';
import type { Io } from '../io.js';
import { loadConfig } from '../load-config.js';

/** `gatesync validate`: the offline checks only; no key, no network. */
export async function validateCommand(args: Args, io: Io): Promise<number> {
  const config = await loadConfig(args, io);
  const guardrails = config.workspaces.reduce((sum, w) => sum + w.guardrails.length, 0);
  const files = config.files.length === 1 ? '' : `${config.files.length} files, `;
  io.stderr(`${config.file} is valid: ${files}${config.workspaces.length} workspace(s), ${guardrails} guardrail(s).\n`);
  return EXIT.ok;
}
