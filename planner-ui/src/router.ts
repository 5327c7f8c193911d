/** History-API routing: `/plan`, `/plan/:id`, `/cases/:id` … (the service answers deep links with the app). */

export interface Route {
  /** First path segment: 'plan', 'cases', 'login'… ('' for `/`). */
  view: string;
  /** Remaining segments, decoded. */
  params: string[];
  query: URLSearchParams;
}

export function parseRoute(loc: Pick<Location, 'pathname' | 'search'> = location): Route {
  const parts = loc.pathname
    .split('/')
    .filter(Boolean)
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  return { view: parts[0] ?? '', params: parts.slice(1), query: new URLSearchParams(loc.search) };
}

const listeners = new Set<(r: Route) => void>();

export function onRouteChange(f: (r: Route) => void): () => void {
  listeners.add(f);
  return () => listeners.delete(f);
}

/** Goes to a path inside the app; `replace` keeps the back button's history clean (e.g. a draft getting its id). */
export function navigate(path: string, opts: { replace?: boolean; silent?: boolean } = {}): void {
  if (opts.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  if (!opts.silent) for (const f of listeners) f(parseRoute());
}

window.addEventListener('popstate', () => {
  for (const f of listeners) f(parseRoute());
});
