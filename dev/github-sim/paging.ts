/**
 * REST pagination as GitHub does it ("Using pagination in the REST API",
 * docs.github.com/rest/using-the-rest-api/using-pagination-in-the-rest-api): `page` (from 1) and
 * `per_page` query parameters, and a `Link` header with `prev`, `next`, `last`, `first` (in that
 * order, each only when it applies) whose absolute URLs use the request's origin and GitHub's
 * `/repositories/{id}/…` form, keeping every query parameter but `page`.
 */

export interface PageRequest {
  page: number;
  perPage: number;
}

/** `page` and `per_page` of a request: per_page defaults to `defaultPerPage` and larger values
 * are clamped to `maxPerPage` (GitHub clamps rather than refusing); page starts at 1. */
export function pageRequest(url: URL, defaultPerPage = 30, maxPerPage = 100): PageRequest {
  const int = (name: string) => {
    const v = url.searchParams.get(name);
    return v !== null && /^\d+$/.test(v) ? Number(v) : 0;
  };
  const perPage = int("per_page");
  return {
    perPage: perPage < 1 ? defaultPerPage : Math.min(maxPerPage, perPage),
    page: Math.max(1, int("page")),
  };
}

/** The page count of `total` items (at least 1: an empty list still has its first page). */
export function lastPageOf(total: number, perPage: number): number {
  return Math.max(1, Math.ceil(total / perPage));
}

/**
 * GitHub's `Link` header for page `page` of `lastPage` under `/repositories/{repoId}/{tail}`.
 * `maxPage` caps `rel="last"` (lists GitHub stops paging deep), while `rel="next"` still points
 * one page further, as on GitHub.
 */
export function linkHeader(
  url: URL,
  repoId: number,
  tail: string,
  page: number,
  lastPage: number,
  maxPage = Infinity,
): string {
  const to = (n: number) => {
    const query = new URLSearchParams(url.searchParams);
    query.set("page", String(n));
    return `<${url.origin}/repositories/${repoId}/${tail}?${query}>`;
  };
  const parts: string[] = [];
  if (page > 1) parts.push(`${to(page - 1)}; rel="prev"`);
  if (page < lastPage) {
    parts.push(
      `${to(page + 1)}; rel="next"`,
      `${to(Math.min(lastPage, Math.max(page, maxPage)))}; rel="last"`,
    );
  }
  if (page > 1) parts.push(`${to(1)}; rel="first"`);
  return parts.join(", ");
}
