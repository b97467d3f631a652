import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { AUDIT_FIELD_MAX, auditRoute, auditText, redactAuditText } from '../../src/internal/audit-sanitize.js';

// auditText sends values without any redaction trigger straight to the length cap and everything
// else through the full redaction. These tests hold it to the full redaction's answer.

/** Pieces that trigger (or almost trigger) a redaction, mixed with ordinary text. */
const PIECES = [
  'eyJ',
  'EYJ',
  'eyj',
  'eyJhbGciOiJSUzI1NiJ9',
  '.',
  'eyJzdWIiOiJhIn0',
  'sig_-',
  'access_token',
  'ID_TOKEN',
  'refresh_token',
  '=',
  '&',
  '#',
  ' ',
  '\t',
  '\n',
  '\r',
  '\u0000',
  '\u001f',
  '\u007f',
  'Bearer',
  'bearer ',
  'BEARER  ',
  'DPoP ',
  'dpop',
  'Basic ',
  'alice',
  '/orders/:id',
  'GET',
  'é',
  '🔑',
  'x'.repeat(300),
];
const mixed = fc.array(fc.constantFrom(...PIECES), { maxLength: 12 }).map((parts) => parts.join(''));
const anyText = fc.oneof(mixed, fc.string({ maxLength: 400 }), fc.string({ unit: 'binary', maxLength: 400 }));

describe('auditText', () => {
  it('gives the full redaction’s answer for every string', () => {
    fc.assert(
      fc.property(anyText, (value) => {
        expect(auditText(value)).toBe(redactAuditText(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('returns ordinary values as they are, and caps long ones', () => {
    expect(auditText('alice')).toBe('alice');
    expect(auditText('/orders/:id')).toBe('/orders/:id');
    const long = 'a'.repeat(AUDIT_FIELD_MAX + 10);
    expect(auditText(long)).toBe(`${'a'.repeat(AUDIT_FIELD_MAX)}…`);
  });

  it('redacts tokens, token parameters and credentials, and neutralises control characters', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl';
    expect(auditText(`token ${jwt} seen`)).toBe('token [redacted] seen');
    expect(auditText('/cb?access_token=abc&x=1')).toBe('/cb?access_token=[redacted]&x=1');
    expect(auditText('Authorization: bearer abc.def')).toBe('Authorization: bearer [redacted]');
    expect(auditText('alice\nlevel=error forged')).toBe('alice level=error forged');
    expect(auditText(42)).toBeUndefined();
  });
});

describe('auditRoute', () => {
  it('drops the query and fragment before sanitising', () => {
    expect(auditRoute('/orders/1?access_token=abc#frag')).toBe('/orders/1');
    expect(auditRoute('/orders/1#x')).toBe('/orders/1');
    expect(auditRoute(undefined)).toBeUndefined();
  });
});

describe('auditText — Unicode line breaks, C1 controls and bidi overrides', () => {
  // A claim value (sub, tenant, client id) is chosen by whoever controls the account or the client
  // registration. Besides C0 controls, these break or disguise a log line: U+2028/U+2029 and NEL
  // (U+0085) end a line for many log viewers and JSON-lines readers, U+009B is the 8-bit CSI that
  // starts an ANSI escape, and the bidi controls reorder what a reader sees (Trojan Source).
  const BREAKERS = [
    '\u0085',
    '\u0080',
    '\u009b',
    '\u009f',
    '\u2028',
    '\u2029',
    '\u200e',
    '\u200f',
    '\u061c',
    '\u202a',
    '\u202e',
    '\u2066',
    '\u2069',
  ];

  it('replaces each of them with a space, on the fast path and the redaction path alike', () => {
    for (const c of BREAKERS) {
      expect(auditText(`alice${c}level=error forged`)).toBe('alice level=error forged');
      expect(auditText(`alice${c}admin`)).toBe('alice admin');
      expect(auditRoute(`/orders${c}/x`)).toBe('/orders /x');
    }
  });

  it('keeps ordinary non-ASCII text as it is', () => {
    expect(auditText('zoë 🔑 東京')).toBe('zoë 🔑 東京');
  });

  it('never cuts a surrogate pair in half at the length cap', () => {
    const value = `${'a'.repeat(AUDIT_FIELD_MAX - 1)}🔑tail`;
    const out = auditText(value) as string;
    expect(/[\ud800-\udbff](?![\udc00-\udfff])/.test(out)).toBe(false); // no lone high surrogate
    expect(out).toBe(`${'a'.repeat(AUDIT_FIELD_MAX - 1)}…`);
    expect(auditText(`${'a'.repeat(AUDIT_FIELD_MAX - 2)}🔑tail`)).toBe(`${'a'.repeat(AUDIT_FIELD_MAX - 2)}🔑…`);
  });
});
