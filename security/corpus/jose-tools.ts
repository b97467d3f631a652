/**
 * Byte-level tools for hostile tokens: base64url, segment surgery, signature re-encodings, the
 * literal header segments of SPEC §0.2, and an "attacker" key with a self-signed certificate.
 * Only node:crypto; nothing here trusts or imports the library under test.
 */
import { createPrivateKey, createPublicKey, randomBytes, sign } from 'node:crypto';
import type { JWK } from 'jose';

/** base64url without padding (RFC 7515 §2). */
export function b64u(data: string | Uint8Array): string {
  return Buffer.from(typeof data === 'string' ? Buffer.from(data, 'utf8') : data).toString('base64url');
}

/** Decodes base64url (lenient, for test construction only). */
export function unb64u(segment: string): Buffer {
  return Buffer.from(segment, 'base64url');
}

/** The three segments of a compact JWS. */
export function segments(token: string): [string, string, string] {
  const [h = '', p = '', s = ''] = token.split('.');
  return [h, p, s];
}

/** SPEC §0.2 literal header segments (kid `k1` there; see {@link HES} for ours). */
export const SPEC_SEGMENTS = {
  /** `{"alg":"none","typ":"at+jwt"}` */
  HN: 'eyJhbGciOiJub25lIiwidHlwIjoiYXQrand0In0',
  /** `None` */
  HNo: 'eyJhbGciOiJOb25lIiwidHlwIjoiYXQrand0In0',
  /** `NONE` */
  HNO: 'eyJhbGciOiJOT05FIiwidHlwIjoiYXQrand0In0',
  /** `nOnE` */
  HnO: 'eyJhbGciOiJuT25FIiwidHlwIjoiYXQrand0In0',
  /** SPEC's fixed payload P (iss `https://as.example.test`, exp 2100). */
  P: 'eyJpc3MiOiJodHRwczovL2FzLmV4YW1wbGUudGVzdCIsInN1YiI6InVzZXItYWxpY2UiLCJhdWQiOiJodHRwczovL2FwaS5leGFtcGxlLnRlc3Qvb3JkZXJzIiwiY2xpZW50X2lkIjoib3JkZXJzLXdlYiIsInNjb3BlIjoib3JkZXJzOnJlYWQiLCJpYXQiOjE3NjcyMjU2MDAsImV4cCI6NDEwMjQ0NDgwMCwianRpIjoiZml4dHVyZS0wMDAxIiwidGVuYW50IjoidDEiLCJyb2xlcyI6WyJjdXN0b21lciJdfQ',
  /** 64 zero bytes (r = s = 0). */
  Z64: 'A'.repeat(86),
} as const;

/** The ES256 key of the test issuer (SPEC's `k1`). */
export const K1 = 'es256-1';
/** The RS256 key of the test issuer (SPEC's `k2`). */
export const K2 = 'rs256-1';

/** `HES` mapped onto our key id: `{"alg":"ES256","typ":"at+jwt","kid":"es256-1"}`. */
export const HES = b64u(JSON.stringify({ alg: 'ES256', typ: 'at+jwt', kid: K1 }));

/** Order of the P-256 group (SPEC 50: r or s ≥ n must be refused). */
export const P256_ORDER = Buffer.from('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551', 'hex');

/** An ES256 R‖S signature re-encoded as ASN.1 DER (SPEC 49). */
export function p1363ToDer(signature: Uint8Array): Buffer {
  const integer = (bytes: Buffer): Buffer => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    let body = bytes.subarray(i);
    if (body[0]! & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
    return Buffer.concat([Buffer.from([0x02, body.length]), body]);
  };
  const half = signature.length / 2;
  const r = integer(Buffer.from(signature.subarray(0, half)));
  const s = integer(Buffer.from(signature.subarray(half)));
  return Buffer.concat([Buffer.from([0x30, r.length + s.length]), r, s]);
}

/** A random base64url string of `bytes` random bytes (opaque artefacts, random ids). */
export function randomB64u(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/** Public key material of one JWK in every form an HS/RS confusion attack may try (SPEC 45). */
export interface PublicKeyForms {
  readonly spkiPem: string;
  readonly spkiPemNoNewline: string;
  /** PKCS#1 `BEGIN RSA PUBLIC KEY` (RSA only). */
  readonly pkcs1Pem?: string;
  readonly der: Buffer;
  readonly jwkJson: string;
  /** Raw uncompressed EC point (EC only). */
  readonly rawPoint?: Buffer;
}

/** All forms of a published public JWK. */
export function publicKeyForms(jwk: JWK): PublicKeyForms {
  const key = createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
  const spkiPem = key.export({ type: 'spki', format: 'pem' }).toString();
  const der = key.export({ type: 'spki', format: 'der' });
  const forms: PublicKeyForms = {
    spkiPem,
    spkiPemNoNewline: spkiPem.replace(/\n$/, ''),
    der,
    jwkJson: JSON.stringify(jwk),
    ...(jwk.kty === 'RSA' ? { pkcs1Pem: key.export({ type: 'pkcs1', format: 'pem' }).toString() } : {}),
    ...(jwk.kty === 'EC' && jwk.x && jwk.y
      ? { rawPoint: Buffer.concat([Buffer.from([4]), unb64u(jwk.x), unb64u(jwk.y)]) }
      : {}),
  };
  return forms;
}

/**
 * An attacker's P-256 key and a self-signed certificate for it (`CN=attacker.test`), generated
 * once with openssl for SPEC 60 (`x5c` header injection). Test-only material: it protects nothing.
 */
export const ATTACKER = {
  certDerB64:
    'MIIBhjCCAS2gAwIBAgIUUwF0A8WpXyTwVIfnNyfCKPH6dJMwCgYIKoZIzj0EAwIwGDEWMBQGA1UEAwwNYXR0YWNrZXIudGVzdDAgFw0yNjExMjcyMTM4MDBaGA8yMTI2MTEwMzIxMzgwMFowGDEWMBQGA1UEAwwNYXR0YWNrZXIudGVzdDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABFMAYR2Xo/y5K6FeWIAHQ782R1oRsHK2JsPPJvHUdZ+W/WSVR++cKXWv4na5vBetBz4an8FrkWzMGY6JV5Oj9FijUzBRMB0GA1UdDgQWBBS6ej1rcYv9Oys1tIbpnQU/zI7wajAfBgNVHSMEGDAWgBS6ej1rcYv9Oys1tIbpnQU/zI7wajAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0cAMEQCIEwvXyBUFCLetd9Ne0NZ3FgGLTiyi7Gqy/wOKNpnm7n7AiAcCpfTKryJhAsrAbyyXJ/3uoX5Td2N0xywJ+ynpgMBXw==',
  privateKeyPem: [
    '-----BEGIN PRIVATE KEY-----',
    'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgQ7Bc4UlGp7BkR9SF',
    'LHsnodAxZTdj3Kx93LKiN/rWU1mhRANCAARTAGEdl6P8uSuhXliAB0O/NkdaEbBy',
    'tibDzybx1HWflv1klUfvnCl1r+J2ubwXrQc+Gp/Ba5FszBmOiVeTo/RY',
    '-----END PRIVATE KEY-----',
    '',
  ].join('\n'),
} as const;

/** Signs a compact JWS with the attacker key (ES256, P1363 signature). */
export function attackerSign(header: Record<string, unknown>, payload: Record<string, unknown>): string {
  const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(payload))}`;
  const signature = sign('sha256', Buffer.from(input), { key: createPrivateKey(ATTACKER.privateKeyPem), dsaEncoding: 'ieee-p1363' });
  return `${input}.${b64u(signature)}`;
}

/** The attacker's public JWK (for `jwk` header injection). */
export function attackerJwk(): JWK {
  return createPublicKey(createPrivateKey(ATTACKER.privateKeyPem)).export({ format: 'jwk' }) as JWK;
}

/**
 * Common weak HMAC secrets (SPEC 47). jwt_tool's `jwt-common.txt` is GPL-3.0 and is not vendored
 * (SPEC C.3); these are the usual suspects it starts with, plus framework defaults.
 */
export const WEAK_SECRETS: readonly string[] = [
  '',
  'secret',
  'Secret',
  'SECRET',
  'password',
  'passw0rd',
  '123456',
  '12345678',
  'changeme',
  'changeit',
  'key',
  'jwt',
  'jwt-secret',
  'jwtsecret',
  'your-256-bit-secret',
  'your-secret-key',
  'secretkey',
  'secret123',
  'admin',
  'test',
  'default',
  'token',
  'private',
  'shhhhh',
  'keyboard cat',
  'supersecret',
  'qwerty',
  'letmein',
  'orders',
  'portcullis',
  'hs256',
  'a',
];
