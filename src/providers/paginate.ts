import type { ApiClient } from './api-client.js';
import { TransportError } from './api-error.js';
import type { FirstPage } from './provider.js';

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
  return (await firstPage<T>(client, path, query)).readAll();
}

/**
 * Reads only the first page of a collection, so a caller can weigh what the
 * rest would cost (`pages`) before reading it; `readAll` then fetches the
 * other pages exactly as `paginate` does, reusing the first.
 */
export async function firstPage<T>(
  client: ApiClient,
  path: string,
  query: Record<string, string | undefined> = {},
): Promise<FirstPage<T>> {
  const first = await client.get<Page<T>>(path, { ...query, offset: 0, limit: PAGE_SIZE });
  // A server that serves shorter pages than asked for sets the stride; nothing is skipped.
  const stride = first.data.length > 0 && first.data.length < Math.min(PAGE_SIZE, first.total_count) ? first.data.length : PAGE_SIZE;
  const readAll = async (): Promise<T[]> => {
    const offsets: number[] = [];
    for (let offset = stride; offset < first.total_count; offset += stride) offsets.push(offset);
    const rest = await Promise.all(
      offsets.map((offset) => client.get<Page<T>>(path, { ...query, offset, limit: PAGE_SIZE })),
    );
    const items = first.data.slice();
    for (const page of rest) for (const item of page.data) items.push(item);
    // Planning on part of a collection would remove or assign the wrong people: refuse instead.
    if (items.length !== first.total_count) {
      throw new TransportError('GET', path, `read ${items.length} of the ${first.total_count} items it announced (it changed while being read?); run again`);
    }
    return items;
  };
  return { totalCount: first.total_count, pages: pageCount(first.total_count), readAll };
}

/** Number of requests `paginate` makes for a collection of `count` items. */
export function pageCount(count: number): number {
  return Math.max(1, Math.ceil(count / PAGE_SIZE));
}
