/**
 * The round-trip lower bound a run of requests is measured against.
 *
 * Each request has a dependency depth k: it needs an answer that itself
 * needed k − 1 round trips (a second page needs the first page's
 * `total_count`; a workspace's members need its id from the lookup), so it
 * cannot start before (k − 1) round trips have passed. At most
 * `concurrency` requests are in flight and each takes at least `latencyMs`.
 * So for every depth k, the N(≥k) requests of depth k or more need at least
 * (k − 1) + ⌈N(≥k) / concurrency⌉ round trips, and
 *
 *   bound = latencyMs × max over k of [ (k − 1) + ⌈N(≥k) / concurrency⌉ ].
 *
 * Underestimating a depth only lowers the bound, so a request whose
 * dependencies are unknown is given depth 1 and the bound stays a bound.
 */
export function latencyLowerBound(depths: readonly number[], concurrency: number, latencyMs: number): number {
  const counts = countByDepth(depths);
  let atLeast = 0;
  let roundTrips = 0;
  for (let k = counts.length; k >= 1; k--) {
    atLeast += counts[k - 1] ?? 0;
    if (atLeast > 0) roundTrips = Math.max(roundTrips, k - 1 + Math.ceil(atLeast / concurrency));
  }
  return roundTrips * latencyMs;
}

/** Requests per depth, 1-based: `[3, 12]` means 3 requests of depth 1 and 12 of depth 2. */
export function countByDepth(depths: readonly number[]): number[] {
  const counts: number[] = [];
  for (const depth of depths) counts[depth - 1] = (counts[depth - 1] ?? 0) + 1;
  return Array.from(counts, (count) => count ?? 0);
}
