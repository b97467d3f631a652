import { createHash } from 'node:crypto';

// The demo prints every request and answer, but never a whole credential: a token is shown as a
// short SHA-256 fingerprint (enough to tell two tokens apart on screen, useless to an attacker),
// passwords and client secrets as `***`. Everything that prints goes through this file.

/** Form and query parameters whose values are bearer secrets (shown as fingerprints). */
const SECRET_PARAMS: ReadonlySet<string> = new Set([
  'code',
  'code_verifier',
  'refresh_token',
  'access_token',
  'id_token',
  'id_token_hint',
  'token',
  'state',
  'nonce',
]);

/** Parameters never shown at all, not even as a fingerprint. */
const HIDDEN_PARAMS: ReadonlySet<string> = new Set(['password', 'client_secret', 'client_assertion']);

/** JSON fields holding tokens in token-endpoint answers. */
const TOKEN_FIELDS: ReadonlySet<string> = new Set(['access_token', 'refresh_token', 'id_token']);

/**
 * A short, stable fingerprint of a secret: `sha256:` + the first 8 hex digits of its SHA-256.
 *
 * @example
 * ```ts
 * fingerprint('eyJhbGciOi…'); // 'sha256:3f2a9c1d'
 * ```
 */
export function fingerprint(secret: string): string {
  return `sha256:${createHash('sha256').update(secret).digest('hex').slice(0, 8)}`;
}

/**
 * How a token is shown on screen: its kind (JWT `typ` when it is a JWT) and its fingerprint.
 *
 * @example
 * ```ts
 * shortToken(accessToken);  // '‹at+jwt sha256:3f2a9c1d›'
 * shortToken(refreshToken); // '‹sha256:77e0b2aa›'
 * ```
 */
export function shortToken(token: string): string {
  const typ = jwtType(token);
  return typ === undefined ? `‹${fingerprint(token)}›` : `‹${typ} ${fingerprint(token)}›`;
}

function jwtType(token: string): string | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as { typ?: unknown };
    return typeof header.typ === 'string' && /^[\w+.-]{1,20}$/.test(header.typ) ? header.typ : 'jwt';
  } catch {
    return undefined;
  }
}

/**
 * A header value as shown on screen: bearer tokens fingerprinted, Basic credentials reduced to
 * the client id, cookies reduced to their names.
 *
 * @example
 * ```ts
 * redactHeader('authorization', 'Bearer eyJ…'); // 'Bearer ‹at+jwt sha256:3f2a9c1d›'
 * redactHeader('authorization', 'Basic ZnVs…'); // 'Basic ‹fulfilment-service:***›'
 * ```
 */
export function redactHeader(name: string, value: string): string {
  const lower = name.toLowerCase();
  if (lower === 'authorization') {
    const space = value.indexOf(' ');
    const scheme = space < 0 ? value : value.slice(0, space);
    const credentials = space < 0 ? '' : value.slice(space + 1).trim();
    if (scheme.toLowerCase() === 'basic') {
      const decoded = Buffer.from(credentials, 'base64').toString('utf8');
      const user = decoded.includes(':') ? decodeURIComponent(decoded.slice(0, decoded.indexOf(':'))) : '?';
      return `Basic ‹${user}:***›`;
    }
    return credentials === '' ? scheme : `${scheme} ${shortToken(credentials)}`;
  }
  if (lower === 'cookie') {
    const names = value
      .split(';')
      .map((c) => c.split('=')[0]!.trim())
      .filter(Boolean);
    return names.map((n) => `${n}=‹…›`).join('; ');
  }
  return value;
}

function redactParam(name: string, value: string): string {
  if (HIDDEN_PARAMS.has(name)) return '***';
  if (SECRET_PARAMS.has(name)) return shortToken(value);
  // Public values (redirect URI, scope, PKCE challenge) are shown; only very long ones are cut.
  return value.length > 64 ? `${value.slice(0, 24)}…` : value;
}

/**
 * A URL as shown on screen: secret query parameters (`code`, `state` …) fingerprinted, long
 * values cut.
 *
 * @example
 * ```ts
 * redactUrl('http://127.0.0.1:8080/callback?code=abc&state=xyz');
 * // 'http://127.0.0.1:8080/callback?code=‹sha256:ba7816bf›&state=‹sha256:3608bca1›'
 * ```
 */
export function redactUrl(url: string | URL): string {
  const parsed = new URL(url);
  if (parsed.search === '') return parsed.href;
  const query = [...parsed.searchParams].map(([k, v]) => `${k}=${redactParam(k, v)}`).join('&');
  return `${parsed.origin}${parsed.pathname}?${query}`;
}

/**
 * A form body as shown on screen (`grant_type=refresh_token refresh_token=‹sha256:…›`).
 *
 * @example
 * ```ts
 * redactForm(new URLSearchParams({ username: 'alice', password: 'password' }));
 * // 'username=alice&password=***'
 * ```
 */
export function redactForm(form: URLSearchParams): string {
  return [...form].map(([k, v]) => `${k}=${redactParam(k, v)}`).join('&');
}

/**
 * A JSON value with every token field replaced by its short form.
 *
 * @example
 * ```ts
 * redactJson({ access_token: 'eyJ…', expires_in: 900 }); // { access_token: '‹at+jwt sha256:…›', expires_in: 900 }
 * ```
 */
export function redactJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactJson);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        TOKEN_FIELDS.has(k) && typeof v === 'string' ? shortToken(v) : redactJson(v),
      ]),
    );
  }
  return value;
}
