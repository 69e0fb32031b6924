/** Defaults of the request helper, apart from it so that flag parsing does not load the network stack. */
export const DEFAULT_CONCURRENCY = 8;
export const DEFAULT_MAX_RETRIES = 5;
