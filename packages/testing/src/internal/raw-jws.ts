import { createHmac } from 'node:crypto';
import { base64url } from './base64url.js';

/** Produces the signature bytes over a JWS signing input; `undefined` means an empty signature. */
export type RawSigner = ((signingInput: Uint8Array) => Promise<Uint8Array>) | undefined;

/** A header or payload given as JSON (serialised here) or as exact bytes / text (used as is). */
export type RawPart = string | Uint8Array;

function toBytes(part: RawPart): Uint8Array {
  return typeof part === 'string' ? new Uint8Array(Buffer.from(part, 'utf8')) : part;
}

/**
 * Builds a compact JWS by hand from its parts. jose refuses to produce many of the shapes a test
 * kit must produce (alg `none`, non-object payloads, unknown `crit`, raw duplicate members), so
 * every token of the kit goes through this one path: a bad token then differs from a good one
 * only in the defect it was asked for.
 *
 * With `unencodedPayload` (RFC 7797 `b64: false`) the payload is placed and signed as is.
 */
export async function buildCompactJws(
  header: RawPart,
  payload: RawPart,
  signer: RawSigner,
  unencodedPayload = false,
): Promise<string> {
  const headerSegment = base64url(toBytes(header));
  const payloadBytes = toBytes(payload);
  const payloadSegment = unencodedPayload ? Buffer.from(payloadBytes).toString('utf8') : base64url(payloadBytes);
  const signingInput = Buffer.concat([
    Buffer.from(`${headerSegment}.`, 'ascii'),
    unencodedPayload ? payloadBytes : Buffer.from(payloadSegment, 'ascii'),
  ]);
  const signature = signer ? base64url(await signer(new Uint8Array(signingInput))) : '';
  return `${headerSegment}.${payloadSegment}.${signature}`;
}

const HMAC_HASH: Readonly<Record<string, string>> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

/** An HMAC signer for `HS256`/`HS384`/`HS512` with any secret bytes (including a public key's PEM text). */
export function hmacSigner(alg: string, secret: string | Uint8Array): RawSigner {
  const hash = HMAC_HASH[alg];
  if (!hash) throw new TypeError(`an HMAC key needs header alg HS256, HS384 or HS512 (got ${JSON.stringify(alg)})`);
  return async (input) => new Uint8Array(createHmac(hash, secret).update(input).digest());
}

/**
 * Serialises a JSON value for an RFC 7797 unencoded compact payload: `.` and characters outside
 * visible ASCII inside strings are written as `\uXXXX` escapes, so the payload cannot split the
 * compact form and survives an HTTP header (numbers with a fraction still contain `.`).
 */
export function unencodedJson(value: unknown): string {
  return JSON.stringify(value).replace(/"(?:[^"\\]|\\.)*"/g, (str) =>
    str.replace(/[^\x21-\x2d\x2f-\x7e]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`),
  );
}
