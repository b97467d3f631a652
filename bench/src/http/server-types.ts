import type { Server } from 'node:http';

/** What every benchmark server gets: the run's issuer, served JWKS and the required scope. */
export interface ServerConfig {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUri: string;
  /** Portcullis' verified-token cache size (below the distinct-token pool, so that scenario is first sight). */
  readonly cacheEntries: number;
}

export interface StartedServer {
  readonly port: number;
  close(): Promise<void>;
}

/** The same small body from every route, guarded or not: only the auth layer differs between servers. */
export const BODY = Object.freeze({ ok: true });

/** The one guarded route. */
export const ROUTE = '/orders';

/** Verified-token cache outcomes seen by a Portcullis route handler (reported to the orchestrator). */
export const cacheCounters = { hits: 0, misses: 0 };

export function countCached(token: { readonly cached: boolean } | undefined): void {
  if (token === undefined) return;
  if (token.cached) cacheCounters.hits++;
  else cacheCounters.misses++;
}

/** Listens on 127.0.0.1, random port. */
export function listen(server: Server): Promise<StartedServer> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') return reject(new Error('no TCP address'));
      resolve({
        port: address.port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/** `scope` claim (space-separated string, RFC 9068 §2.2.3) contains `scope`. */
export function hasScope(claims: unknown, scope: string): boolean {
  const value = (claims as { scope?: unknown } | undefined)?.scope;
  return typeof value === 'string' && value.split(' ').includes(scope);
}
