/**
 * Behaviour of the issuer's HTTP endpoints (`/jwks` and the discovery document):
 *
 * | mode | answer |
 * | --- | --- |
 * | `'ok'` | the current key set (default) |
 * | `'down'` | the connection is destroyed without an answer (like a refused or reset connection) |
 * | `'slow'` | the normal answer after `delayMs` (default 10 000 ms) |
 * | `'garbage'` | `200` with a `text/html` page instead of JSON |
 * | `'error'` | `500` |
 * | `'huge'` | `200` `application/json` streaming `bytes` (default 2 MiB) of key-set-like JSON, no `Content-Length` |
 * | `'redirect'` | `302` to `location` (default: a URL on the same server that serves the real key set, so a verifier that follows redirects visibly succeeds) |
 *
 * @example
 * ```ts
 * issuer.jwksServer.mode('slow', { delayMs: 5_000 });
 * issuer.jwksServer.mode('huge', { bytes: 1024 * 1024 });
 * issuer.jwksServer.mode('ok');
 * ```
 */
export type JwksFaultMode = 'ok' | 'down' | 'slow' | 'garbage' | 'error' | 'huge' | 'redirect';

/**
 * Options of a fault mode.
 *
 * @example
 * ```ts
 * const options: JwksFaultOptions = { delayMs: 3_000 };
 * issuer.jwksServer.mode('slow', options);
 * ```
 */
export interface JwksFaultOptions {
  /** `'slow'`: delay before answering, in milliseconds. @default 10000 */
  readonly delayMs?: number;
  /** `'huge'`: body size in bytes. @default 2097152 (2 MiB) */
  readonly bytes?: number;
  /** `'redirect'`: the `Location` header. @default `<base>/redirected/jwks` (serves the real key set) */
  readonly location?: string;
}

/**
 * Fault injection on the issuer's served key set (`serve: 'http'` only; with `serve: 'none'`
 * calling `mode()` throws a `TypeError`).
 *
 * @example
 * ```ts
 * const issuer = await createTestIssuer();
 * issuer.jwksServer.mode('down');
 * // ... a request with a token now gets 503 from the API
 * expect(issuer.jwksServer.fetchCount).toBe(1);
 * issuer.jwksServer.mode('ok');
 * ```
 */
export interface JwksServerControl {
  /** Switches the fault mode; it applies to requests received from now on. */
  mode(mode: JwksFaultMode, options?: JwksFaultOptions): void;
  /** Requests received on `/jwks` so far, in every mode (a request the `'down'` mode drops counts too). */
  readonly fetchCount: number;
  /** The current mode. */
  readonly currentMode: JwksFaultMode;
}
