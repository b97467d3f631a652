/**
 * Token mutations as data ("recipes"), so fast-check can generate, print and shrink them and a
 * seed replays them exactly. A recipe is applied to a freshly minted valid token at run time.
 */

/** Where in the compact JWS a mutation lands: header, payload or signature. */
export type SegmentIndex = 0 | 1 | 2;

/** One mutation of a valid compact JWS. Every recipe changes the token string. */
export type Mutation =
  /** Flip one bit of one decoded byte of a segment, re-encode canonically. */
  | { readonly op: 'bitflip'; readonly segment: SegmentIndex; readonly byte: number; readonly bit: number }
  /** Replace one character of the token with another (any printable ASCII). */
  | { readonly op: 'char'; readonly position: number; readonly char: string }
  /** Swap two segments. */
  | { readonly op: 'swap'; readonly a: SegmentIndex; readonly b: SegmentIndex }
  /** Duplicate a segment (4 parts), or drop one (2 parts). */
  | { readonly op: 'duplicate' | 'drop'; readonly segment: SegmentIndex }
  /** Cut the token after `length` characters. */
  | { readonly op: 'truncate'; readonly length: number }
  /** Insert text at a position. */
  | { readonly op: 'insert'; readonly position: number; readonly text: string }
  /** Re-encode a segment with the standard base64 alphabet and `=` padding. */
  | { readonly op: 'base64std'; readonly segment: SegmentIndex }
  /** Flip the case of one character. */
  | { readonly op: 'case'; readonly position: number }
  /** Replace the signature with random bytes. */
  | { readonly op: 'signature'; readonly bytes: readonly number[] }
  /** Replace a segment with base64url(JSON) of an arbitrary value (header/payload confusion). */
  | { readonly op: 'segment-json'; readonly segment: 0 | 1; readonly json: string }
  /** Replace the header with a variant and keep the original signature (alg none, HS256, kid change …). */
  | { readonly op: 'header'; readonly header: Readonly<Record<string, unknown>> };

const b64u = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64url');

/** Applies a mutation; `undefined` when it would leave the token unchanged (or only padded with whitespace). */
export function applyMutation(token: string, m: Mutation): string | undefined {
  const parts = token.split('.');
  let out: string;
  switch (m.op) {
    case 'bitflip': {
      const bytes = Buffer.from(parts[m.segment] ?? '', 'base64url');
      if (bytes.length === 0) return undefined;
      const i = m.byte % bytes.length;
      bytes[i] = bytes[i]! ^ (1 << (m.bit % 8));
      parts[m.segment] = bytes.toString('base64url');
      out = parts.join('.');
      break;
    }
    case 'char': {
      const i = m.position % token.length;
      out = token.slice(0, i) + m.char + token.slice(i + 1);
      break;
    }
    case 'swap': {
      const a = parts[m.a]!;
      parts[m.a] = parts[m.b]!;
      parts[m.b] = a;
      out = parts.join('.');
      break;
    }
    case 'duplicate':
      parts.splice(m.segment, 0, parts[m.segment]!);
      out = parts.join('.');
      break;
    case 'drop':
      parts.splice(m.segment, 1);
      out = parts.join('.');
      break;
    case 'truncate':
      out = token.slice(0, m.length % token.length);
      break;
    case 'insert': {
      const i = m.position % (token.length + 1);
      out = token.slice(0, i) + m.text + token.slice(i);
      break;
    }
    case 'base64std':
      parts[m.segment] = Buffer.from(parts[m.segment] ?? '', 'base64url').toString('base64');
      out = parts.join('.');
      break;
    case 'case': {
      const i = m.position % token.length;
      const c = token[i]!;
      const flipped = c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase();
      out = token.slice(0, i) + flipped + token.slice(i + 1);
      break;
    }
    case 'signature':
      parts[2] = b64u(Uint8Array.from(m.bytes));
      out = parts.join('.');
      break;
    case 'segment-json':
      parts[m.segment] = b64u(m.json);
      out = parts.join('.');
      break;
    case 'header':
      parts[0] = b64u(JSON.stringify(m.header));
      out = parts.join('.');
      break;
  }
  // Leading or trailing whitespace is not a token mutation: `Bearer  <t>` is valid (1*SP) and HTTP
  // parsers strip trailing whitespace from header values.
  return out === token || out.trim() === token ? undefined : out;
}
