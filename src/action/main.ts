/** Entry of the GitHub Action (action.yml runs it with `node`). */
import { runAction } from './run-action.js';

try {
  process.exitCode = await runAction(process.env, process.cwd());
} catch (error) {
  process.stderr.write(`::error title=gatesync::the action failed: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
