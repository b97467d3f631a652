/**
 * The README's key set URL (https://auth.example.com/jwks) served without any network:
 * `install()` replaces `globalThis.fetch` with a router that answers that URL with the test
 * issuer's public keys (or a 500 while `down` is set) and passes every other request to the real
 * fetch. Install it before a gate is created: the core's remote key resolver takes the global
 * fetch at creation and goes through its real code (timeouts, size cap, cache) either way.
 */
import type { TestIssuer } from '@portcullis/testing';

export const README_JWKS_URI = 'https://auth.example.com/jwks';

export interface ReadmeKeyServer {
  /** While `true`, the key server answers 500 (the gate then answers 503). */
  down: boolean;
  /** How many times the README's key set URL was fetched. */
  readonly fetches: number;
  install(): void;
  uninstall(): void;
}

export function readmeKeyServer(jwks: () => TestIssuer['jwks']): ReadmeKeyServer {
  const realFetch = globalThis.fetch;
  let fetches = 0;
  const server: ReadmeKeyServer = {
    down: false,
    get fetches() {
      return fetches;
    },
    install() {
      globalThis.fetch = routed;
    },
    uninstall() {
      globalThis.fetch = realFetch;
    },
  };
  const routed: typeof fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (url !== README_JWKS_URI) return realFetch(input, init);
    fetches += 1;
    if (server.down) return new Response('unavailable', { status: 500 });
    return new Response(JSON.stringify(jwks()), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  return server;
}
