/**
 * Which file declares each workspace, as the text and markdown plans show
 * it: by the workspace's slug, so that each team finds its part.
 */
import type { Config } from '../model/config.js';

export type Owners = Readonly<Record<string, string>>;

/** Files are worth naming in a plan only when the configuration has more than one. */
export function ownersToShow(config: Config, declaredIn: Owners): Owners | undefined {
  return config.files.length > 1 ? declaredIn : undefined;
}

/** The file declaring a workspace, if the plan shows files and knows it. */
export function ownerOf(owners: Owners | undefined, workspaceSlug: string): string | undefined {
  return owners !== undefined && Object.hasOwn(owners, workspaceSlug) ? owners[workspaceSlug] : undefined;
}
