import type { TestIssuer } from '@portcullis/testing';

/**
 * The README example specs verify tokens against the key set URLs the READMEs name
 * (`https://auth.example.com/jwks` …), without any network: `install()` replaces
 * `globalThis.fetch` with a router that answers each served URL with a test issuer's public keys
 * (a 500 while `down` is set) and passes every other request to the real fetch. Install it before
 * a verifier is created: core's remote key resolver takes the global fetch at creation and goes
 * through its real code (timeouts, size cap, cache) either way.
 */
export interface KeySetFetch {
  /** While `true`, every served URL answers 500 (a gate or guard then answers 503). */
  down: boolean;
  /** The fetch that was global before `install()`. */
  readonly realFetch: typeof fetch;
  /** Answers `url` with `jwks()` from now on. */
  serve(url: string, jwks: () => TestIssuer['jwks']): void;
  install(): void;
  uninstall(): void;
}

/**
 * @example
 * ```ts
 * const keySets = keySetFetch();
 * keySets.serve('https://auth.example.com/jwks', () => issuer.jwks);
 * beforeAll(() => keySets.install());
 * afterAll(() => keySets.uninstall());
 * ```
 */
export function keySetFetch(): KeySetFetch {
  const realFetch = globalThis.fetch;
  const served = new Map<string, () => TestIssuer['jwks']>();
  const routed: typeof fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const jwks = served.get(url);
    if (jwks === undefined) return realFetch(input, init);
    if (router.down) return new Response('unavailable', { status: 500 });
    return new Response(JSON.stringify(jwks()), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  const router: KeySetFetch = {
    down: false,
    realFetch,
    serve(url, jwks) {
      served.set(url, jwks);
    },
    install() {
      globalThis.fetch = routed;
    },
    uninstall() {
      globalThis.fetch = realFetch;
    },
  };
  return router;
}
