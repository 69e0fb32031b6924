import type { ApiClient } from './api-client.js';

/** The API's maximum page size. */
export const PAGE_SIZE = 100;

interface Page<T> {
  data: T[];
  total_count: number;
}

/**
 * Reads a whole collection: the first page tells `total_count`, so every
 * other page's offset is known and they are fetched concurrently (the
 * client's limit bounds how many run at once).
 */
export async function paginate<T>(
  client: ApiClient,
  path: string,
  query: Record<string, string | undefined> = {},
): Promise<T[]> {
  const first = await client.get<Page<T>>(path, { ...query, offset: 0, limit: PAGE_SIZE });
  const offsets: number[] = [];
  for (let offset = PAGE_SIZE; offset < first.total_count; offset += PAGE_SIZE) offsets.push(offset);
  const rest = await Promise.all(
    offsets.map((offset) => client.get<Page<T>>(path, { ...query, offset, limit: PAGE_SIZE })),
  );
  const items = first.data.slice();
  for (const page of rest) for (const item of page.data) items.push(item);
  return items;
}

/** Number of requests `paginate` makes for a collection of `count` items. */
export function pageCount(count: number): number {
  return Math.max(1, Math.ceil(count / PAGE_SIZE));
}
