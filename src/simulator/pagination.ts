/**
 * `offset` / `limit` as api.md documents them: defaults 0 and 50, limit at
 * most 100. Anything else is a 400, so a client that pages wrongly fails
 * loudly instead of silently reading a short list.
 */
import { badRequest } from './errors.js';

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 100;

export interface PageRequest {
  offset: number;
  limit: number;
}

export interface PageAnswer {
  data: unknown[];
  total_count: number;
}

const INTEGER_PATTERN = /^-?\d+$/;

export function parsePage(query: URLSearchParams): PageRequest {
  const offset = parseOffset(query);
  const limit = parseInteger(query, 'limit', DEFAULT_PAGE_LIMIT);
  if (limit < 1 || limit > MAX_PAGE_LIMIT) {
    throw badRequest(`limit must be between 1 and ${MAX_PAGE_LIMIT}, got ${limit}`, null, { parameter: 'limit' });
  }
  return { offset, limit };
}

export function parseOffset(query: URLSearchParams): number {
  const offset = parseInteger(query, 'offset', 0);
  if (offset < 0) throw badRequest(`offset must be 0 or more, got ${offset}`, null, { parameter: 'offset' });
  return offset;
}

function parseInteger(query: URLSearchParams, name: string, fallback: number): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  if (!INTEGER_PATTERN.test(raw.trim())) throw badRequest(`${name} must be an integer, got "${raw}"`, null, { parameter: name });
  return Number(raw);
}

/** One page of an already sorted collection; only the page is serialized. */
export function paginate<T>(sorted: readonly T[], page: PageRequest, toJson: (record: T) => unknown): PageAnswer {
  return { data: sorted.slice(page.offset, page.offset + page.limit).map(toJson), total_count: sorted.length };
}

/**
 * Drops the rows whose position in the whole listing is a multiple of
 * `every`, after paging: the page comes back short, `total_count` unchanged.
 */
export function dropRows(answer: PageAnswer, page: PageRequest, every: number): PageAnswer {
  return { ...answer, data: answer.data.filter((_, index) => (page.offset + index + 1) % every !== 0) };
}
