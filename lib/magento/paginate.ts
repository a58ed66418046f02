import type { InvalidRecord, SearchPage } from "./validate";

// Walks a search route page by page, and always stops. Magento's behaviour past the last page is
// not stable (shared/magento/README, fact 3): current 2.4 answers `items: []`, older releases
// answer the last page again. So the walk stops on whichever comes first: the count says we
// are done, a short or empty page, or a page with nothing but records already seen; and a
// hard page limit catches anything else.

export interface PaginatedPage<T> {
  /** 1-based page number as requested. */
  page: number;
  /** Valid records of this page not seen on an earlier page. */
  records: T[];
  /** Invalid records of this page (reported, not thrown), also without repeats. */
  invalid: InvalidRecord[];
  /** total_count as Magento reported it for this page (null when a projection dropped it). */
  totalCount: number | null;
}

export interface PaginateOptions<T> {
  pageSize: number;
  /** Page to start from (1-based). Default 1. */
  startPage?: number;
  /** Throw after this many pages. Default 10 000. */
  maxPages?: number;
  /** The id used to spot repeated records. */
  idOf: (record: T) => string | number | null;
}

/** Fetches one page (1-based). */
export type PageSource<T> = (page: number) => Promise<SearchPage<T>>;

export class PaginationLimitError extends Error {
  constructor(maxPages: number) {
    super(`stopped paging after ${maxPages} pages (maxPages): the search never reached its end`);
    this.name = "PaginationLimitError";
  }
}

/** Yields each page's new records until the search is exhausted. */
export async function* paginate<T>(fetchPage: PageSource<T>, options: PaginateOptions<T>): AsyncGenerator<PaginatedPage<T>> {
  const { pageSize, idOf } = options;
  const startPage = options.startPage ?? 1;
  const maxPages = options.maxPages ?? 10_000;
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError("pageSize must be a whole number of at least 1");
  const seen = new Set<string>();
  const key = (id: string | number) => `${typeof id}:${id}`;
  // Records without an id cannot be checked for repeats; they are passed on as they are.
  const isNew = (id: string | number | null) => {
    if (id === null) return true;
    if (seen.has(key(id))) return false;
    seen.add(key(id));
    return true;
  };

  for (let page = startPage, fetched = 0; ; page++, fetched++) {
    if (fetched >= maxPages) throw new PaginationLimitError(maxPages);
    const result = await fetchPage(page);
    const received = result.items.length + result.invalid.length;
    const records = result.items.filter((record) => isNew(idOf(record)));
    const invalid = result.invalid.filter((record) => isNew(record.id));
    const fresh = records.length + invalid.length;

    // An empty page, or one made only of records already seen (the old "last page again"
    // answer), ends the walk; the first page is always yielded so the caller gets total_count.
    if (received === 0 || fresh === 0) {
      if (page === startPage) yield { page, records, invalid, totalCount: result.totalCount };
      return;
    }
    yield { page, records, invalid, totalCount: result.totalCount };
    if (received < pageSize) return;
    if (result.totalCount !== null && page * pageSize >= result.totalCount) return;
  }
}
