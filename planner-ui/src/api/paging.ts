/** Cursor paging of the service's lists (`{ items, total, nextCursor }`, at most 500 items a page). */

export interface PageOf<T> {
  items: T[];
  nextCursor: string | null;
}

/** Every item, page after page as `nextCursor` leads, until the last page or `max` items. */
export async function collectPages<T>(
  fetchPage: (cursor: string | null) => Promise<PageOf<T>>,
  max = 20_000,
): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const page: PageOf<T> = await fetchPage(cursor);
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && out.length < max);
  return out;
}
