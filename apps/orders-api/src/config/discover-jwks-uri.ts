import { parseSecureUrl } from './url-rules.js';

/** Options of {@link discoverJwksUri}. */
export interface DiscoveryOptions {
  /** Exact issuer identifier (`AUTH_ISSUER`). */
  readonly issuer: string;
  /** Abort the metadata request after this many milliseconds. @default 2000 */
  readonly timeoutMs?: number;
  /** `fetch` implementation. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

/** Largest metadata document accepted, in bytes. */
const MAX_METADATA_BYTES = 64 * 1024;

/**
 * Why discovery failed, phrased for an operator. Never contains response bodies.
 */
export class DiscoveryError extends Error {
  /**
   * `unavailable`: the issuer could not be reached or answered an error (may heal by itself);
   * `invalid`: it answered a document that cannot be used (a configuration mistake).
   */
  readonly kind: 'unavailable' | 'invalid';

  constructor(kind: 'unavailable' | 'invalid', message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DiscoveryError';
    this.kind = kind;
  }
}

/** The OpenID Connect discovery document URL of an issuer (OIDC Discovery §4). */
export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
}

/**
 * Reads `jwks_uri` from the issuer's OpenID Connect discovery document. The document's `issuer`
 * must equal the configured issuer exactly (OIDC Discovery §4.3), and `jwks_uri` must be
 * `https:` (or `http:` on a loopback host).
 *
 * @example
 * ```ts
 * const jwksUri = await discoverJwksUri({ issuer: 'http://127.0.0.1:4000' });
 * ```
 */
export async function discoverJwksUri(options: DiscoveryOptions): Promise<string> {
  const doFetch = options.fetch ?? globalThis.fetch;
  const url = discoveryUrl(options.issuer);
  let response: Response;
  try {
    response = await doFetch(url, {
      headers: { accept: 'application/json' },
      redirect: 'error',
      signal: AbortSignal.timeout(options.timeoutMs ?? 2000),
    });
  } catch (error) {
    throw new DiscoveryError('unavailable', `cannot reach ${url} (${describeFetchError(error)})`, { cause: error });
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new DiscoveryError('unavailable', `${url} answered HTTP ${response.status}`);
  }
  const text = await readLimited(response, MAX_METADATA_BYTES);
  if (text === undefined) throw new DiscoveryError('unavailable', `${url} answered a document larger than ${MAX_METADATA_BYTES} bytes`);
  let metadata: unknown;
  try {
    metadata = JSON.parse(text);
  } catch {
    throw new DiscoveryError('unavailable', `${url} did not answer JSON`);
  }
  if (typeof metadata !== 'object' || metadata === null) throw new DiscoveryError('unavailable', `${url} did not answer a JSON object`);
  const { issuer, jwks_uri: jwksUri } = metadata as Record<string, unknown>;
  if (issuer !== options.issuer) {
    throw new DiscoveryError('invalid', 
      `the metadata at ${url} names a different issuer than AUTH_ISSUER: set AUTH_ISSUER to the exact "issuer" of that document`,
    );
  }
  if (typeof jwksUri !== 'string') throw new DiscoveryError('invalid', `the metadata at ${url} has no "jwks_uri"`);
  const parsed = parseSecureUrl(jwksUri);
  if ('problem' in parsed) throw new DiscoveryError('invalid', `the "jwks_uri" announced at ${url} ${parsed.problem}`);
  return parsed.url.href;
}

function describeFetchError(error: unknown): string {
  // Duck-typed: fetch errors may come from another realm (e.g. under a test VM), so no instanceof.
  const { name, cause } = (error ?? {}) as { name?: unknown; cause?: { code?: unknown } };
  if (name === 'TimeoutError' || name === 'AbortError') return 'timed out';
  if (cause && typeof cause.code === 'string') return cause.code;
  return 'network error';
}

async function readLimited(response: Response, maxBytes: number): Promise<string | undefined> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
