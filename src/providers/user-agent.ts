import { packageVersion } from '../package-root.js';

let userAgent: string | undefined;

/** `gatesync/<version>`, the version read from package.json once per process. */
export function gatesyncUserAgent(): string {
  userAgent ??= `gatesync/${packageVersion()}`;
  return userAgent;
}
