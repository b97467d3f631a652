import { base64url } from 'jose';
import { PortcullisError } from '../errors/portcullis-error.js';
import { deepFreeze } from './deep-freeze.js';
import { hasDuplicateTopLevelMember } from './json-duplicate-members.js';

/**
 * What the JWS pre-parse enforces, computed once from the verifier options.
 */
export interface JwsPolicy {
  /** Longest accepted token, in characters. Checked before anything is decoded. */
  readonly maxTokenSize: number;
  /** Accepted `alg` values (case-sensitive). Never contains `none`. */
  readonly algorithms: ReadonlySet<string>;
  /** The same values as an array, for jose's own allowlist check. */
  readonly algorithmList: readonly string[];
  /** Expected `typ`, already normalised by {@link normalizeMediaType}; `false` skips the check. */
  readonly typ: string | false;
}

/** The protected header of a compact JWS that passed the pre-parse. */
export interface ParsedCompactJws {
  /** The decoded protected header, deep-frozen. */
  readonly header: Readonly<Record<string, unknown>> & { readonly alg: string; readonly kid?: string };
  readonly alg: string;
  readonly kid: string | undefined;
  /** Index of the first `.`: the header segment is `token.slice(0, firstDot)`. */
  readonly firstDot: number;
  /** Index of the second `.`: the signing input is `token.slice(0, secondDot)`, the signature follows it. */
  readonly secondDot: number;
}

/** What the header part of the pre-parse decided, reusable for every token with the same header segment. */
type ParsedHeader = Pick<ParsedCompactJws, 'header' | 'alg' | 'kid'>;

/**
 * Accepted headers by their base64url segment, for one policy. Every token an issuer signs with one
 * key carries the same header segment (`{"alg":"RS256","kid":"k1","typ":"at+jwt"}`), so decoding,
 * JSON-parsing and vetting it again for every first-sight token is repeated work: the outcome is a
 * pure function of the segment and the policy. Only accepted headers are kept (a refused header is
 * decided afresh each time), the result is the same deep-frozen object, and the map is bounded:
 * when full it is emptied, so hostile traffic with ever-new headers costs what it cost without it.
 *
 * @example
 * ```ts
 * const headers = new HeaderCache(policy);
 * parseCompactJws(token, policy, headers);
 * ```
 */
export class HeaderCache {
  readonly #entries = new Map<string, ParsedHeader>();
  readonly #maxEntries: number;

  constructor(
    readonly policy: JwsPolicy,
    maxEntries = 64,
  ) {
    this.#maxEntries = maxEntries;
  }

  get(segment: string): ParsedHeader | undefined {
    return this.#entries.get(segment);
  }

  set(segment: string, header: ParsedHeader): void {
    if (this.#entries.size >= this.#maxEntries) this.#entries.clear();
    this.#entries.set(segment, header);
  }
}

/** Longest accepted `kid`. Real key ids are UUIDs, thumbprints or short names; 256 leaves room. */
export const MAX_KID_LENGTH = 256;

/**
 * Header members that are refused outright, each with the reason. All of them either let the
 * token choose its own key, change how the payload is read, or signal a structure (JWE,
 * extension) an access token never needs.
 */
const FORBIDDEN_HEADER_MEMBERS: ReadonlyArray<readonly [string, string]> = [
  // RFC 8725 §3.10 / RFC 9068 §4: keys come from the issuer's configured key set, never from the
  // token. Refusing them here means jose never sees them either (SPEC B4 cases 56–60).
  ['jwk', 'embedded "jwk" header key'],
  ['jku', '"jku" header URL'],
  ['x5u', '"x5u" header URL'],
  ['x5c', '"x5c" header certificate chain'],
  // RFC 7515 §4.1.11: extensions we do not implement must be refused; we implement none.
  ['crit', '"crit" header extensions'],
  // RFC 7797 unencoded payloads are not JWTs.
  ['b64', '"b64" header parameter'],
  // JWE-only members in a JWS header: an encrypted or compressed token is not negotiated
  // (RFC 9068 §4; RFC 8725 §3.6 — compression oracles, decompression bombs).
  ['enc', '"enc" (JWE) header parameter'],
  ['zip', '"zip" header parameter'],
];

/** base64url alphabet (RFC 4648 §5) as a lookup table; value is the 6-bit digit + 1 (0 = not allowed). */
const B64URL = new Uint8Array(128);
{
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  for (let i = 0; i < alphabet.length; i++) B64URL[alphabet.charCodeAt(i)] = i + 1;
}
const DOT = 0x2e;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function malformed(reason: string): PortcullisError {
  return new PortcullisError('ERR_MALFORMED_TOKEN', { reason });
}

function notAllowed(reason: string): PortcullisError {
  return new PortcullisError('ERR_ALGORITHM_NOT_ALLOWED', { reason });
}

/**
 * Checks that `token[start, end)` is canonical unpadded base64url: a length that can encode whole
 * bytes, and zero unused bits in the last character. The alphabet itself was checked by the caller.
 *
 * Canonical form matters because lenient decoders map several strings to the same bytes: a token
 * with flipped padding bits would verify while hashing differently (cache, revocation lists, logs).
 */
function isCanonicalSegment(token: string, start: number, end: number): boolean {
  const length = end - start;
  const rest = length % 4;
  if (rest === 1) return false; // 6 bits cannot end a byte
  if (rest === 0 || length === 0) return true;
  const digit = B64URL[token.charCodeAt(end - 1)]! - 1;
  // 2 chars carry 12 bits for 1 byte (4 unused); 3 chars carry 18 bits for 2 bytes (2 unused).
  return (digit & (rest === 2 ? 0x0f : 0x03)) === 0;
}

/** Three non-empty-where-required segments of the base64url alphabet (RFC 7515 §7.1); no `u` flag, so `\w` is ASCII only. */
const WELL_FORMED = /^[\w-]+\.[\w-]*\.[\w-]+$/;

/** The slow path of the shape check: finds the dots and throws the precise error for a malformed token. */
function scanSegments(token: string): [firstDot: number, secondDot: number] {
  // One pass over the characters: the alphabet and the two separators.
  const length = token.length;
  let firstDot = -1;
  let secondDot = -1;
  let dots = 0;
  for (let i = 0; i < length; i++) {
    const c = token.charCodeAt(i);
    if (c === DOT) {
      dots++;
      if (dots === 1) firstDot = i;
      else if (dots === 2) secondDot = i;
      continue;
    }
    if (c >= 128 || B64URL[c] === 0) {
      if (i === 0 && c === 0x7b) throw malformed('JWS JSON serialization is not accepted');
      // '=' padding, '+' and '/' (base64, not base64url), '?', whitespace, non-ASCII …
      throw malformed('token contains a character outside base64url');
    }
  }
  if (dots === 4) throw malformed('JWE (5 segments) is not accepted');
  if (dots !== 2) throw malformed(`expected 3 segments, got ${dots + 1}`);
  if (firstDot === 0) throw malformed('empty header segment');
  if (secondDot === length - 1) throw malformed('empty signature segment');
  return [firstDot, secondDot];
}

/**
 * Media-type normalisation used for `typ` (the same rule as jose's `normalizeTyp` and RFC 7515
 * §4.1.9): compare case-insensitively, and treat a value without "/" as `application/<value>`.
 *
 * @example
 * ```ts
 * normalizeMediaType('AT+JWT');             // 'application/at+jwt'
 * normalizeMediaType('application/at+jwt'); // 'application/at+jwt'
 * ```
 */
export function normalizeMediaType(value: string): string {
  const lower = value.toLowerCase();
  return lower.includes('/') ? lower : `application/${lower}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Pre-parses a compact JWS and applies the header policy, before any key is looked up or any
 * signature is computed. Everything here is cheap and rejects the bulk of hostile input early.
 *
 * Order: type and size (before any decoding, SPEC case 104) → exactly three segments of canonical
 * base64url, non-empty header and signature (5-part JWE and JSON serialization refused, cases
 * 21–28) → header decoded as strict UTF-8 JSON object with no duplicate member (cases 29, 30, 33)
 * → `alg` in the allowlist (cases 38–41, 51, 52) → forbidden members (cases 35, 36, 56–60, 106,
 * 107) → nested JWT (case 37) → `kid` shape (cases 65, 68) → `typ` (cases 94–99).
 *
 * Errors: shape, encoding, JSON and `kid` problems are `ERR_MALFORMED_TOKEN`; `alg` outside the
 * allowlist and forbidden header members (`jwk`, `jku`, `x5u`, `x5c`, `crit`, `b64`, `enc`,
 * `zip`, `cty: JWT`) are `ERR_ALGORITHM_NOT_ALLOWED` (the catalog's "disallowed algorithm or
 * forbidden JOSE header members"); a wrong `typ` is `ERR_INVALID_TOKEN_TYPE`.
 *
 * The payload segment may be empty here (a JWS may sign an empty payload); the JWT layer refuses
 * it later because an empty string is not a claims set.
 *
 * @example
 * ```ts
 * const { alg, kid } = parseCompactJws(token, { maxTokenSize: 8192, algorithms: new Set(['ES256']), algorithmList: ['ES256'], typ: 'application/at+jwt' });
 * ```
 */
export function parseCompactJws(token: unknown, policy: JwsPolicy, headers?: HeaderCache): ParsedCompactJws {
  if (typeof token !== 'string') throw malformed('token is not a string');
  const length = token.length;
  if (length === 0) throw malformed('token is empty');
  // Size first: nothing below may spend time or memory proportional to an attacker's input
  // beyond this bound (OWASP API4:2023).
  if (length > policy.maxTokenSize) throw malformed(`token longer than maxTokenSize (${policy.maxTokenSize})`);

  let firstDot: number;
  let secondDot: number;
  if (WELL_FORMED.test(token)) {
    // The common case, decided by one native regular-expression pass: exactly the tokens that
    // the character loop below lets through (base64url alphabet, two dots, non-empty header and
    // signature). Everything else takes the loop, which names the defect.
    firstDot = token.indexOf('.');
    secondDot = token.indexOf('.', firstDot + 1);
  } else {
    [firstDot, secondDot] = scanSegments(token);
  }
  if (
    !isCanonicalSegment(token, 0, firstDot) ||
    !isCanonicalSegment(token, firstDot + 1, secondDot) ||
    !isCanonicalSegment(token, secondDot + 1, length)
  ) {
    throw malformed('segment is not canonical base64url');
  }

  // A cache is only ever consulted with the policy it was filled under.
  const cache = headers !== undefined && headers.policy === policy ? headers : undefined;
  const segment = cache === undefined ? undefined : token.slice(0, firstDot);
  const known = segment === undefined ? undefined : cache!.get(segment);
  if (known !== undefined) return { header: known.header, alg: known.alg, kid: known.kid, firstDot, secondDot };
  const parsed = parseHeader(token, firstDot, policy);
  if (segment !== undefined) cache!.set(segment, parsed);
  return { header: parsed.header, alg: parsed.alg, kid: parsed.kid, firstDot, secondDot };
}

/** The header half of the pre-parse: decode, JSON, duplicates, `alg`, forbidden members, `cty`, `kid`, `typ`. */
function parseHeader(token: string, firstDot: number, policy: JwsPolicy): ParsedHeader {
  let header: unknown;
  let headerJson: string;
  try {
    // Strict UTF-8 (RFC 8725 §3.7): invalid sequences are an error, never U+FFFD that a
    // later comparison could treat differently.
    headerJson = strictUtf8.decode(base64url.decode(token.slice(0, firstDot)));
    header = JSON.parse(headerJson);
  } catch {
    throw malformed('header is not UTF-8 JSON');
  }
  if (!isPlainObject(header)) throw malformed('header is not a JSON object');
  // RFC 7515 §4 allows "reject or lexically last" for duplicate members. We reject: it removes
  // any chance that this pre-parse, jose and any other reader of the token disagree on which
  // `alg` or `kid` is meant (SPEC case 33: {"alg":"none","alg":"ES256"}).
  if (hasDuplicateTopLevelMember(headerJson)) throw malformed('duplicate member in the header');

  const alg = header['alg'];
  // Allowlist, case-sensitive (RFC 7515 §4.1.1; RFC 8725 §3.1): "none", "None", "HS256" when no
  // secret is configured, "rs256", "RS256 " … are all simply absent from the set.
  if (typeof alg !== 'string') throw notAllowed('"alg" is missing or not a string');
  if (!policy.algorithms.has(alg)) throw notAllowed('"alg" is not in the allowlist');

  for (const [member, what] of FORBIDDEN_HEADER_MEMBERS) {
    if (Object.prototype.hasOwnProperty.call(header, member)) throw notAllowed(`${what} is not accepted`);
  }
  const cty = header['cty'];
  // Nested JWTs (RFC 7519 §5.2) would need both layers validated (RFC 8725 §3.3); an access token
  // never needs one, so none is accepted.
  if (typeof cty === 'string' && normalizeMediaType(cty) === 'application/jwt') {
    throw notAllowed('nested JWT ("cty": "JWT") is not accepted');
  }

  let kid: string | undefined;
  if (Object.prototype.hasOwnProperty.call(header, 'kid')) {
    const value = header['kid'];
    // RFC 7515 §4.1.4: a string. It is only ever used as an opaque lookup key; bounding it keeps
    // hostile ids (10 000 chars, SPEC case 65) out of key lookups, logs and caches.
    if (typeof value !== 'string') throw malformed('"kid" is not a string');
    if (value.length === 0 || value.length > MAX_KID_LENGTH)
      throw malformed(`"kid" is empty or longer than ${MAX_KID_LENGTH}`);
    kid = value;
  }

  if (policy.typ !== false) {
    // RFC 9068 §4 / RFC 8725 §3.11: explicit typing keeps ID tokens, logout tokens, DPoP proofs
    // and other JWTs from the same issuer from being replayed as access tokens.
    const typ = header['typ'];
    if (typeof typ !== 'string' || normalizeMediaType(typ) !== policy.typ) {
      throw new PortcullisError('ERR_INVALID_TOKEN_TYPE', { reason: '"typ" is not the expected media type' });
    }
  }

  return { header: deepFreeze(header) as ParsedCompactJws['header'], alg, kid };
}
