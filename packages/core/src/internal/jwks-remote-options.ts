// Start-up validation of `jwksUri` and `remoteJwks`, with the documented defaults applied.

import type { RemoteJwksOptions } from '../token/verifier-options.js';

/** `RemoteJwksOptions` with defaults applied (durations in ms). */
export interface ResolvedRemoteJwksOptions {
  readonly url: URL;
  readonly timeout: number;
  readonly maxResponseBytes: number;
  readonly cacheMaxAge: number;
  readonly cooldown: number;
  readonly maxStale: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly fetch: typeof fetch;
}

/** Every option `RemoteJwksOptions` has (compile-time exhaustive). */
export const REMOTE_JWKS_OPTIONS: Readonly<Record<keyof RemoteJwksOptions, true>> = {
  timeout: true,
  maxResponseBytes: true,
  cacheMaxAge: true,
  cooldown: true,
  maxStale: true,
  headers: true,
  fetch: true,
};
const REMOTE_JWKS_KEYS: readonly string[] = Object.freeze(Object.keys(REMOTE_JWKS_OPTIONS));

/** Defaults documented on {@link RemoteJwksOptions}. */
export const REMOTE_JWKS_DEFAULTS = Object.freeze({
  timeout: 2000,
  maxResponseBytes: 524_288,
  cacheMaxAge: 600_000,
  cooldown: 30_000,
  maxStale: 3_600_000,
});

/**
 * Parses and checks the key set URL. Keys must come over TLS from the configured URL only
 * (RFC 8725 §3.8, RFC 9068 §4, SPEC A23 / 176): plain `http:` would let anyone on the path swap
 * the keys, so it is accepted only for loopback hosts, where no network is crossed.
 */
export function parseJwksUri(value: unknown): URL {
  if (typeof value !== 'string' && !(value instanceof URL)) {
    throw new TypeError(
      '"jwksUri" must be an absolute https: URL string or a URL, e.g. "https://issuer.example.com/.well-known/jwks.json"',
    );
  }
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw new TypeError(
      '"jwksUri" is not a valid absolute URL; use e.g. "https://issuer.example.com/.well-known/jwks.json"',
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new TypeError('"jwksUri" must not contain credentials; send them with "remoteJwks.headers" instead');
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:') {
    if (isLoopbackHost(url.hostname)) return url;
    throw new TypeError(
      '"jwksUri" must use https: (http: is accepted only for 127.0.0.0/8, [::1] and localhost); ' +
        'serve the key set over TLS or point "jwksUri" at the https: URL of your issuer',
    );
  }
  throw new TypeError(`"jwksUri" must use https:, not ${url.protocol}`);
}

/** 127.0.0.0/8, ::1 and `localhost`, as the WHATWG URL parser normalises them. */
function isLoopbackHost(hostname: string): boolean {
  if (hostname === 'localhost' || hostname === '[::1]') return true;
  // The URL parser has already turned every IPv4 spelling (hex, octal, 2130706433) into dotted decimal.
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** Longest delay `setTimeout` honours; a longer one fires after 1 ms. */
export const MAX_TIMER_DELAY = 2_147_483_647;

function duration(name: string, value: unknown, fallback: number, minimum: number, maximum = Infinity): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < minimum || value > maximum) {
    const range = maximum === Infinity ? `≥ ${minimum}` : `from ${minimum} to ${maximum}`;
    throw new TypeError(`"remoteJwks.${name}" must be a finite number of milliseconds ${range}, e.g. ${fallback}`);
  }
  return value;
}

/**
 * Bounds of the key-set timings, so that no configuration turns the verifier against the key server
 * or keeps a removed key alive indefinitely:
 * - `cacheMaxAge` ≥ 1 s: at 0 every verification would fetch the key set (one key-server request
 *   per API request); ≤ 24 h: a key the issuer removed (after a compromise) stops working within it;
 * - `cooldown` ≥ 1 s: at 0 every token with a new random `kid` would cost a key-server request
 *   (SPEC 64); ≤ 1 h: a rotated-in key is found within it;
 * - `maxStale` ≤ 24 h: while the key server is unreachable (or made unreachable), the last key set —
 *   with a key that may have been removed — serves at most this long past `cacheMaxAge`.
 */
export const REMOTE_JWKS_BOUNDS = Object.freeze({
  cacheMaxAge: { min: 1_000, max: 86_400_000 },
  cooldown: { min: 1_000, max: 3_600_000 },
  maxStale: { min: 0, max: 86_400_000 },
});

/** Validates `remoteJwks` once at creation and applies the defaults. */
export function resolveRemoteJwksOptions(
  uri: unknown,
  options: RemoteJwksOptions | undefined,
): ResolvedRemoteJwksOptions {
  const url = parseJwksUri(uri);
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new TypeError('"remoteJwks" must be an object, e.g. { timeout: 2000, cacheMaxAge: 600000 }');
  }
  const o = options ?? {};
  for (const key of Object.keys(o)) {
    // A misspelt option would silently keep its default.
    if (!REMOTE_JWKS_KEYS.includes(key)) {
      throw new TypeError(
        `"remoteJwks" has an unknown option '${key}'; the options are ${REMOTE_JWKS_KEYS.join(', ')}`,
      );
    }
  }
  const timeout = duration('timeout', o.timeout, REMOTE_JWKS_DEFAULTS.timeout, 1);
  if (timeout > MAX_TIMER_DELAY) {
    // setTimeout would fire after 1 ms instead: every fetch would time out and every request get 503.
    throw new TypeError(
      `"remoteJwks.timeout" must be at most ${MAX_TIMER_DELAY} ms (the longest timer delay), e.g. ${REMOTE_JWKS_DEFAULTS.timeout}`,
    );
  }
  const bounded = (name: keyof typeof REMOTE_JWKS_BOUNDS, value: unknown) =>
    duration(name, value, REMOTE_JWKS_DEFAULTS[name], REMOTE_JWKS_BOUNDS[name].min, REMOTE_JWKS_BOUNDS[name].max);
  const cacheMaxAge = bounded('cacheMaxAge', o.cacheMaxAge);
  const cooldown = bounded('cooldown', o.cooldown);
  const maxStale = bounded('maxStale', o.maxStale);
  const maxResponseBytes = o.maxResponseBytes ?? REMOTE_JWKS_DEFAULTS.maxResponseBytes;
  if (!Number.isSafeInteger(maxResponseBytes) || maxResponseBytes < 1) {
    throw new TypeError(
      `"remoteJwks.maxResponseBytes" must be a positive integer, e.g. ${REMOTE_JWKS_DEFAULTS.maxResponseBytes}`,
    );
  }
  const headers = o.headers ?? {};
  if (typeof headers !== 'object' || headers === null || Object.values(headers).some((v) => typeof v !== 'string')) {
    throw new TypeError(
      '"remoteJwks.headers" must be an object of string header values, e.g. { "user-agent": "orders-api" }',
    );
  }
  const fetchImpl = o.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') {
    throw new TypeError('"remoteJwks.fetch" must be a fetch function (no global fetch was found)');
  }
  return { url, timeout, maxResponseBytes, cacheMaxAge, cooldown, maxStale, headers: { ...headers }, fetch: fetchImpl };
}
