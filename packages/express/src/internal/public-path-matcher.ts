import type { Request } from 'express';

/**
 * A path that needs no token: an exact path (`'/health'`), a regular expression tested against
 * the path, or either restricted to methods (`{ method: 'GET', path: '/health' }`). Paths are
 * relative to where the middleware is mounted (Express's `req.path`) and never include the query.
 *
 * @example
 * ```ts
 * const paths: PublicPath[] = ['/health', /^\/docs\//, { method: 'GET', path: '/openapi.json' }];
 * ```
 */
export type PublicPath = string | RegExp | { readonly method?: string | readonly string[]; readonly path: string | RegExp };

interface CompiledPath {
  readonly methods: ReadonlySet<string> | undefined;
  readonly path: string | RegExp;
}

function compilePath(path: unknown, at: string): string | RegExp {
  if (typeof path === 'string') {
    if (!path.startsWith('/')) throw new TypeError(`'${at}' must start with '/', e.g. '/health'`);
    return path;
  }
  if (path instanceof RegExp) {
    // A global or sticky RegExp keeps `lastIndex` between calls: the same path would match on
    // one request and not on the next.
    if (path.global || path.sticky) throw new TypeError(`'${at}' must not use the g or y flag`);
    return path;
  }
  throw new TypeError(`'${at}' must be a path string such as '/health', a RegExp, or { method, path }`);
}

/** Compiles `publicPaths` once; throws a `TypeError` naming the bad entry. */
export function compilePublicPaths(value: unknown): (req: Request) => boolean {
  if (value === undefined) return () => false;
  if (!Array.isArray(value)) throw new TypeError("'publicPaths' must be an array such as ['/health']");
  const compiled: CompiledPath[] = value.map((entry: unknown, i) => {
    const at = `publicPaths[${i}]`;
    if (typeof entry === 'string' || entry instanceof RegExp) return { methods: undefined, path: compilePath(entry, at) };
    if (typeof entry !== 'object' || entry === null) throw new TypeError(`'${at}' must be a path string, a RegExp, or { method, path }`);
    const { method, path } = entry as { method?: unknown; path?: unknown };
    let methods: Set<string> | undefined;
    if (method !== undefined) {
      const list = Array.isArray(method) ? method : [method];
      if (list.length === 0 || !list.every((m) => typeof m === 'string' && /^[A-Za-z]+$/.test(m))) {
        throw new TypeError(`'${at}.method' must be an HTTP method such as 'GET' or an array of them`);
      }
      methods = new Set(list.map((m: string) => m.toUpperCase()));
      // Express answers HEAD with the GET route, so a public GET is a public HEAD too.
      if (methods.has('GET')) methods.add('HEAD');
    }
    return { methods, path: compilePath(path, `${at}.path`) };
  });
  return (req) => {
    const path = req.path;
    const method = (req.method ?? '').toUpperCase();
    return compiled.some(
      (c) => (c.methods === undefined || c.methods.has(method)) && (typeof c.path === 'string' ? c.path === path : c.path.test(path)),
    );
  };
}
