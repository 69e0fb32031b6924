/**
 * Listings are ordered by `created_at`, then id; timestamps are stored as
 * ISO 8601 in UTC so that they compare as strings.
 */

interface Timestamped {
  id: string;
  createdAt: string;
}

export function byCreation(a: Timestamped, b: Timestamped): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function sortedByCreation<T extends Timestamped>(records: Iterable<T>): T[] {
  return [...records].sort(byCreation);
}

/** A state timestamp in the stored form; `fallback` when the state leaves it out. */
export function iso(timestamp: string | null | undefined, fallback: string): string {
  return new Date(timestamp ?? fallback).toISOString();
}
