/**
 * Which file declares each workspace, by the workspace's slug as the
 * organization spells it: what plans show so that each team finds its
 * part. The planner never sees files.
 */
import type { Observed } from '../model/observed.js';
import { lookupKey } from '../model/normalize.js';
import type { Config } from '../model/config.js';

export function declaringFiles(config: Config, observed: Observed): Record<string, string> {
  // Entries, not assignments: a slug may be any string, `__proto__` included.
  return Object.fromEntries(
    config.workspaces.flatMap((workspace) => {
      const slug = observed.workspacesByKey.get(lookupKey(workspace.key))?.info.slug;
      return slug === undefined ? [] : [[slug, workspace.location.file]];
    }),
  );
}
