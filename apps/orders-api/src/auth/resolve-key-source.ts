import type { AppConfig } from '../config/app-config.js';
import { ConfigError } from '../config/config-error.js';
import { DiscoveryError, discoverJwksUri, discoveryUrl } from '../config/discover-jwks-uri.js';

/** Where the verifier gets its keys from. */
export interface KeySource {
  /** URL handed to the verifier as `jwksUri`. */
  readonly jwksUri: string;
  /** `fetch` for the verifier, when discovery is deferred. */
  readonly fetch?: typeof fetch;
  /** `configured` (AUTH_JWKS_URI), `discovered` (at start-up) or `deferred` (issuer unreachable at start-up). */
  readonly mode: 'configured' | 'discovered' | 'deferred';
  /** Operator-facing note when discovery was deferred. */
  readonly warning?: string;
}

/**
 * Decides the JWKS location. With `AUTH_JWKS_URI` set it is used as is. Otherwise the issuer's
 * discovery document is read once at start-up. If the issuer cannot be reached then, the API
 * still starts (it must run alone): the verifier gets the discovery URL as its `jwksUri` and a
 * `fetch` that resolves the real `jwks_uri` on each key-set fetch until discovery succeeds.
 * Until then token requests fail closed with 503 (`ERR_KEYS_UNAVAILABLE`), while requests
 * without a token still get their 401 challenge.
 *
 * A document that answers but names another issuer is a configuration mistake and stops start-up.
 *
 * @example
 * ```ts
 * const source = await resolveKeySource(config.auth);
 * createPortcullis({ issuer, audience, jwksUri: source.jwksUri, remoteJwks: { fetch: source.fetch } });
 * ```
 */
export async function resolveKeySource(
  auth: AppConfig['auth'],
  baseFetch: typeof fetch = globalThis.fetch,
): Promise<KeySource> {
  if (auth.jwksUri) return { jwksUri: auth.jwksUri, mode: 'configured' };
  try {
    const jwksUri = await discoverJwksUri({ issuer: auth.issuer, timeoutMs: auth.discoveryTimeoutMs, fetch: baseFetch });
    return { jwksUri, mode: 'discovered' };
  } catch (error) {
    if (error instanceof DiscoveryError && error.kind === 'invalid') {
      throw new ConfigError([`AUTH_ISSUER: ${error.message}`]);
    }
    const placeholder = discoveryUrl(auth.issuer);
    return {
      jwksUri: placeholder,
      fetch: createDeferredDiscoveryFetch(auth, placeholder, baseFetch),
      mode: 'deferred',
      warning: `issuer metadata unavailable at start-up (${error instanceof Error ? error.message : 'unknown error'}); discovery will be retried on the first token, which gets 503 until keys are available`,
    };
  }
}

/**
 * A `fetch` that, when asked for `placeholder`, discovers the issuer's `jwks_uri` (once it
 * succeeds; failures are retried on the next call) and fetches that instead.
 */
export function createDeferredDiscoveryFetch(
  auth: AppConfig['auth'],
  placeholder: string,
  baseFetch: typeof fetch,
): typeof fetch {
  let discovered: Promise<string> | undefined;
  return async (input, init) => {
    const target = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (target !== placeholder) return baseFetch(input, init);
    discovered ??= discoverJwksUri({ issuer: auth.issuer, timeoutMs: auth.discoveryTimeoutMs, fetch: baseFetch }).catch(
      (error: unknown) => {
        discovered = undefined;
        throw error;
      },
    );
    return baseFetch(await discovered, init);
  };
}
