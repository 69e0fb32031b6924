import type { ApiClient } from './api-client.js';
import { TransportError } from './api-error.js';
import type { FirstPage } from './provider.js';

/** The API's maximum page size. */
export const PAGE_SIZE = 100;

interface Page<T> {
  data: T[];
  total_count: number;
}

export interface PaginateOptions {
  /**
   * The service drops rows after paging (key-assignment listings drop the
   * rows of deleted keys), so a page may be short before the end and the
   * collection may hold fewer items than `total_count` announces. Offsets
   * then step by the requested limit, never by what a page held.
   */
  rowsMayDrop?: boolean;
  /** Fields every row must carry as a string: a row without one is refused rather than read as `undefined`. */
  stringFields?: readonly string[];
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
  options: PaginateOptions = {},
): Promise<T[]> {
  return (await firstPage<T>(client, path, query, options)).readAll();
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
  options: PaginateOptions = {},
): Promise<FirstPage<T>> {
  const readPage = async (offset: number) =>
    checkPage<T>(await client.get<unknown>(path, { ...query, offset, limit: PAGE_SIZE }), path, offset, options.stringFields ?? []);
  const first = await readPage(0);
  const shortFirst = first.data.length > 0 && first.data.length < Math.min(PAGE_SIZE, first.total_count);
  // A server that serves shorter pages than asked for sets the stride, so nothing is skipped; unless rows are dropped after paging.
  const stride = shortFirst && !options.rowsMayDrop ? first.data.length : PAGE_SIZE;
  const readAll = async (): Promise<T[]> => {
    const offsets: number[] = [];
    for (let offset = stride; offset < first.total_count; offset += stride) offsets.push(offset);
    const rest = await Promise.all(offsets.map(readPage));
    const items = first.data.slice();
    for (const page of rest) for (const item of page.data) items.push(item);
    // Planning on part of a collection would remove or assign the wrong people: refuse instead.
    const addsUp = options.rowsMayDrop ? items.length <= first.total_count : items.length === first.total_count;
    if (!addsUp) {
      throw new TransportError('GET', path, `read ${items.length} of the ${first.total_count} items it announced (it changed while being read?); run again`);
    }
    return items;
  };
  return { totalCount: first.total_count, pages: pageCount(first.total_count), readAll };
}

/** A listing page is input: anything but `{ data: [...], total_count: n }` with at most a page of rows is refused, located. */
function checkPage<T>(answer: unknown, path: string, offset: number, stringFields: readonly string[]): Page<T> {
  const problem = pageProblem(answer as Partial<Page<unknown>>, stringFields);
  if (problem !== undefined) {
    throw new TransportError('GET', path, `the page at offset ${offset} is not the documented listing shape: ${problem}; check that MODELGATES_BASE_URL is the API's address`);
  }
  return answer as Page<T>;
}

function pageProblem(page: Partial<Page<unknown>>, stringFields: readonly string[]): string | undefined {
  if (!Array.isArray(page.data)) return '"data" is not a list';
  if (!Number.isSafeInteger(page.total_count) || (page.total_count as number) < 0) return '"total_count" is not a count';
  if (page.data.length > PAGE_SIZE) return `it holds ${page.data.length} rows where at most ${PAGE_SIZE} were asked for`;
  if (page.data.some((row) => typeof row !== 'object' || row === null)) return 'a row of "data" is not an object';
  const rows = page.data as Array<Record<string, unknown>>;
  const missing = stringFields.find((field) => rows.some((row) => typeof row[field] !== 'string'));
  return missing === undefined ? undefined : `a row of "data" has no "${missing}" string`;
}

/** Number of requests `paginate` makes for a collection of `count` items. */
export function pageCount(count: number): number {
  return Math.max(1, Math.ceil(count / PAGE_SIZE));
}
