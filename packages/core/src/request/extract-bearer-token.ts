import { PortcullisError } from '../errors/portcullis-error.js';
import type { BearerExtractionOptions, HttpRequestLike } from './http-request-like.js';

// Character classes as 128-entry lookup tables: a scan is one array read per character, with no
// backtracking, whatever the input, and no allocation. (A well-formed header is first matched by
// one linear regular expression, WELL_FORMED_BEARER; the scan decides and explains the rest.)

/** RFC 6750 §2.1 b64token body: ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" (the "=" tail is handled apart). */
const B64TOKEN = new Uint8Array(128);
/** RFC 9110 §5.6.2 tchar: the characters an auth-scheme name may use. */
const TCHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const alnum = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  B64TOKEN[c] = alnum || c === 0x2d || c === 0x2e || c === 0x5f || c === 0x7e || c === 0x2b || c === 0x2f ? 1 : 0;
  TCHAR[c] = alnum || "!#$%&'*+-.^_`|~".includes(String.fromCharCode(c)) ? 1 : 0;
}

/**
 * The common case, a well-formed `Bearer <b64token>` header, in one native pass. It is linear (the
 * scheme, the spaces, the token body and the `=` tail use disjoint characters, so nothing
 * backtracks) and accepts exactly what the table-driven scan of {@link parseBearer} accepts; every
 * other value takes that scan, which names the defect. No `u` flag: `\w` is ASCII only.
 */
const WELL_FORMED_BEARER = /^[Bb][Ee][Aa][Rr][Ee][Rr] +[\w\-.~+/]+=*$/;

const SP = 0x20;
const EQUALS = 0x3d;
const BEARER = 'bearer';
const AUTHORIZATION = 'authorization';
const FORM_URLENCODED = 'application/x-www-form-urlencoded';

function invalidRequest(reason: string): PortcullisError {
  return new PortcullisError('ERR_INVALID_REQUEST', { reason });
}

/**
 * Length of the b64token (RFC 6750 §2.1: `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`)
 * starting at `start`, or 0 when there is none. Linear, allocation-free.
 */
function b64tokenLength(value: string, start: number): number {
  const end = value.length;
  let i = start;
  while (i < end) {
    const c = value.charCodeAt(i);
    if (c >= 128 || B64TOKEN[c] !== 1) break;
    i++;
  }
  if (i === start) return 0;
  while (i < end && value.charCodeAt(i) === EQUALS) i++;
  return i - start;
}

/** True when `value` is exactly one b64token and nothing else. */
function isB64token(value: string): boolean {
  return value.length > 0 && b64tokenLength(value, 0) === value.length;
}

/** ASCII case-insensitive `value.startsWith(lowerPrefix)` without allocating a lower-cased copy. */
function startsWithIgnoreCase(value: string, lowerPrefix: string): boolean {
  if (value.length < lowerPrefix.length) return false;
  for (let i = 0; i < lowerPrefix.length; i++) {
    // `| 0x20` folds ASCII upper case onto lower case; the prefixes compared here are all letters.
    if ((value.charCodeAt(i) | 0x20) !== lowerPrefix.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * The single `Authorization` header value, `undefined` when absent. Throws `invalid_request` when
 * the header was sent more than once.
 */
function readAuthorization(request: HttpRequestLike): string | undefined {
  const raw = request.rawHeaders;
  let rawValue: string | undefined;
  if (raw !== undefined) {
    // Node's `headers` keeps the first `Authorization` and silently drops the others (SPEC §0.4.8),
    // so a second header — e.g. a victim's token after the attacker's — is only visible here.
    let seen = 0;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = raw[i]!;
      if (name.length === AUTHORIZATION.length && startsWithIgnoreCase(name, AUTHORIZATION)) {
        seen++;
        if (seen > 1) throw invalidRequest('more than one Authorization header');
        rawValue = raw[i + 1];
      }
    }
  }
  const parsed = request.headers['authorization'];
  if (parsed === undefined) return rawValue;
  if (typeof parsed === 'string') return parsed;
  // An array means the framework kept several header lines: ambiguous, so refused (RFC 6750 §3.1
  // "repeats the same parameter"). A one-element array carries no ambiguity and is read as is.
  if (parsed.length > 1) throw invalidRequest('more than one Authorization header');
  return parsed[0];
}

/**
 * Parses `Bearer 1*SP b64token` (RFC 6750 §2.1). Returns the token, `undefined` for another
 * scheme or an empty header, and throws `invalid_request` for a malformed Bearer credential.
 */
function parseBearer(value: string): string | undefined {
  if (WELL_FORMED_BEARER.test(value)) {
    let start = BEARER.length + 1;
    while (value.charCodeAt(start) === SP) start++;
    return value.slice(start);
  }
  const length = value.length;
  if (length === 0) return undefined;
  // The auth-scheme is the run of tchars at the start; anything else there is not a credential.
  let schemeEnd = 0;
  while (schemeEnd < length) {
    const c = value.charCodeAt(schemeEnd);
    if (c >= 128 || TCHAR[c] !== 1) break;
    schemeEnd++;
  }
  if (schemeEnd !== BEARER.length || !startsWithIgnoreCase(value, BEARER)) {
    if (schemeEnd === 0) {
      // Leading whitespace only (frameworks trim OWS; a value made of spaces is "no credentials").
      let allSpace = true;
      for (let i = 0; i < length && allSpace; i++)
        allSpace = value.charCodeAt(i) === SP || value.charCodeAt(i) === 0x09;
      if (allSpace) return undefined;
      throw invalidRequest('Authorization header does not start with an auth-scheme');
    }
    // Another scheme (Basic, DPoP, Negotiate, "Bearerx" …): for this resource server that is the
    // same as sending no credentials, so the answer is a bare challenge (RFC 6750 §3.1).
    return undefined;
  }
  // "Bearer" alone, or followed by something that is not a space (tab, CR, NUL …).
  if (schemeEnd === length) throw invalidRequest('Bearer credentials are empty');
  let i = schemeEnd;
  if (value.charCodeAt(i) !== SP) throw invalidRequest('Bearer scheme not followed by a space');
  // ABNF `1*SP`: several spaces are legal (SPEC B1 case 6).
  while (i < length && value.charCodeAt(i) === SP) i++;
  if (i === length) throw invalidRequest('Bearer credentials are empty');
  const tokenLength = b64tokenLength(value, i);
  if (tokenLength === 0) throw invalidRequest('Bearer credentials are not a b64token');
  // Nothing may follow the token: a second token, a parameter list or trailing garbage is
  // ambiguous, and guessing which part is "the" token is how parsers disagree.
  if (i + tokenLength !== length) throw invalidRequest('unexpected characters after the Bearer token');
  return value.slice(i, i + tokenLength);
}

/** `access_token` from a parsed query/body object: `undefined` when absent. Throws when repeated. */
function readParameter(container: unknown, where: string): string | undefined {
  if (container === null || typeof container !== 'object') return undefined;
  if (!Object.prototype.hasOwnProperty.call(container, 'access_token')) return undefined;
  const value = (container as Record<string, unknown>)['access_token'];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidRequest(`access_token in the ${where} is repeated or not a string`);
  return value;
}

/** `access_token` from the query part of a request target, without parsing queries that cannot contain it. */
function readQueryFromUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const q = url.indexOf('?');
  if (q === -1) return undefined;
  // Cheap pre-filter: only build URLSearchParams when the name can be there, literally or percent-encoded.
  if (url.indexOf('access', q) === -1 && url.indexOf('%', q) === -1) return undefined;
  const hash = url.indexOf('#', q);
  const values = new URLSearchParams(url.slice(q + 1, hash === -1 ? undefined : hash)).getAll('access_token');
  if (values.length === 0) return undefined;
  if (values.length > 1) throw invalidRequest('access_token in the query is repeated');
  return values[0];
}

function isFormRequest(request: HttpRequestLike): boolean {
  const type = request.headers['content-type'];
  return typeof type === 'string' && startsWithIgnoreCase(type, FORM_URLENCODED);
}

/**
 * Extracts the one bearer access token of a request, following RFC 6750.
 *
 * - **Header** (`Authorization: Bearer <b64token>`, RFC 6750 §2.1): the scheme is matched
 *   case-insensitively, one or more spaces may follow it, then exactly one b64token and nothing
 *   else. The header must appear once: `rawHeaders` is inspected when given, because Node drops
 *   duplicate `Authorization` headers from `headers`.
 * - **Query** (`?access_token=`, §2.3) and **form body** (`access_token=` in an
 *   `application/x-www-form-urlencoded` body, §2.2) are refused unless enabled. A request that uses
 *   more than one method is always refused (§2, §3.1).
 * - Cookies and `Proxy-Authorization` are never read: a cookie is sent by the browser on its own
 *   (CSRF), and `Proxy-Authorization` is for the proxy, not for this origin server.
 *
 * | Input | Result |
 * | --- | --- |
 * | no `Authorization`, or another scheme (`Basic`, `DPoP` …) | `ERR_MISSING_TOKEN` (401, bare challenge) |
 * | `Bearer`, `Bearer ␠`, two tokens, characters outside b64token, duplicate header | `ERR_INVALID_REQUEST` (400) |
 * | `access_token` in query/body while not allowed, or together with a header | `ERR_INVALID_REQUEST` (400) |
 *
 * Only the shape is checked here; the token's content is the verifier's business.
 *
 * @param request Any object with Node-style lower-cased `headers` (and ideally `rawHeaders`).
 * @param options Which RFC 6750 transports besides the header are accepted (none by default).
 * @returns The token string, exactly as sent.
 * @throws {PortcullisError} `ERR_MISSING_TOKEN` or `ERR_INVALID_REQUEST`.
 *
 * @example
 * ```ts
 * import { extractBearerToken } from '@portcullis/core';
 *
 * const token = extractBearerToken({ headers: req.headers, rawHeaders: req.rawHeaders, url: req.url });
 * const verified = await verifier.verify(token);
 * ```
 */
export function extractBearerToken(request: HttpRequestLike, options: BearerExtractionOptions = {}): string {
  if (
    request === null ||
    typeof request !== 'object' ||
    request.headers === null ||
    typeof request.headers !== 'object'
  ) {
    throw new TypeError("extractBearerToken: 'request' must be an object with a 'headers' map");
  }
  const header = readAuthorization(request);
  const fromHeader = header === undefined ? undefined : parseBearer(header);

  // The query and body are inspected even when those methods are off: a token there is refused
  // loudly (400) rather than ignored, so a misconfigured client learns about it, and a request
  // carrying two tokens can never have one of them silently chosen.
  const fromQuery = readParameter(request.query, 'query') ?? readQueryFromUrl(request.url);
  // RFC 6750 §2.2 defines the body method for form-encoded bodies only; an `access_token` field
  // of a JSON body is application data, not a credential, and is left alone.
  const fromBody = isFormRequest(request) ? readParameter(request.body, 'body') : undefined;

  if (fromQuery !== undefined && options.allowQuery !== true) {
    // RFC 6750 §2.3 / RFC 9700 §4.3.2: URLs end up in logs, histories and Referer headers.
    throw invalidRequest('access_token in the query string is not accepted');
  }
  if (fromBody !== undefined && options.allowBody !== true) {
    throw invalidRequest('access_token in the request body is not accepted');
  }
  const methods =
    (fromHeader !== undefined ? 1 : 0) + (fromQuery !== undefined ? 1 : 0) + (fromBody !== undefined ? 1 : 0);
  if (methods > 1) throw invalidRequest('more than one method used to send the access token');

  if (fromHeader !== undefined) return fromHeader;
  if (fromQuery !== undefined) {
    if (!isB64token(fromQuery)) throw invalidRequest('access_token in the query is not a b64token');
    return fromQuery;
  }
  if (fromBody !== undefined) {
    // RFC 6750 §2.2: the body method MUST NOT be used with GET.
    if (request.method !== undefined && request.method.toUpperCase() === 'GET') {
      throw invalidRequest('access_token in a GET request body');
    }
    if (!isB64token(fromBody)) throw invalidRequest('access_token in the body is not a b64token');
    return fromBody;
  }
  throw new PortcullisError('ERR_MISSING_TOKEN', {
    reason: header === undefined ? 'no Authorization header' : 'Authorization header uses another scheme',
  });
}
