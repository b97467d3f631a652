/** base64url without padding (RFC 7515 §2), the only encoding a compact JWS segment may use. */
export function base64url(input: string | Uint8Array): string {
  const bytes =
    typeof input === 'string'
      ? Buffer.from(input, 'utf8')
      : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  return bytes.toString('base64url');
}

/** Decodes a base64url segment to bytes (lenient: Node's decoder ignores stray characters). */
export function fromBase64url(segment: string): Uint8Array {
  return new Uint8Array(Buffer.from(segment, 'base64url'));
}

/** Decodes a base64url segment holding UTF-8 JSON. */
export function decodeJsonSegment(segment: string): unknown {
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
}
