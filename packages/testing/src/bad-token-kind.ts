/**
 * The defects `issuer.badToken(kind)` can produce. Each token carries exactly one defect and,
 * where a signature applies, a real signature by the issuer's key, so a verifier that rejects
 * it does so for the intended reason.
 *
 * | kind | defect |
 * | --- | --- |
 * | `expired` | `iat` = now − 3900 s, `exp` = now − 3600 s |
 * | `not-yet-valid` | `nbf` = now + 600 s (`exp` = now + 900 s) |
 * | `issued-in-future` | `iat` = now + 600 s (`exp` = `iat` + 300 s) |
 * | `wrong-issuer` | `iss` = `https://evil.example.test` |
 * | `wrong-audience` | `aud` = `https://other-api.example.test/` |
 * | `wrong-typ` | header `typ` = `JWT` |
 * | `missing-typ` | no header `typ` |
 * | `missing-claim:<name>` | claim `<name>` absent (e.g. `missing-claim:exp`) |
 * | `unknown-kid` | `kid` not in the key set (signed by the key of the default algorithm: ES256, else the first) |
 * | `alg-none` | header `{"alg":"none","typ":"at+jwt"}`, empty signature |
 * | `hs-rs-confusion` | `HS256` with the RS256 key's `kid`, HMAC keyed with that key's public SPKI PEM text |
 * | `tampered-payload` | `sub` changed to `attacker` after signing |
 * | `tampered-signature` | first signature byte flipped |
 * | `oversized` | a `padding` claim makes the token > 8 KiB (about 9 KiB, under Node's 16 KiB header limit) |
 * | `id-token` | an OIDC ID token: `typ` `JWT`, `aud` = the client id, `nonce`, `auth_time`, `azp`; no `client_id`/`scope`/`jti` |
 * | `long-lived` | `exp` = `iat` + 10 years |
 * | `disallowed-alg` | signed `ES512` with a P-521 key that *is* published: only an `algorithms` allowlist without ES512 rejects it (see below) |
 * | `embedded-jwk` | header `jwk` holds an untrusted key that signed the token (no `kid`); the key's algorithm is the issuer's default (ES256, else its first) |
 * | `jku` | header `jku` = `https://attacker.example.test/jwks.json`, signed by the same untrusted key (`kid` `untrusted-es256`, or `untrusted-<alg>`) |
 * | `crit` | header `crit: ["exp-ext"]`, `exp-ext: 1` (unknown critical extension) |
 * | `b64-false` | RFC 7797 unencoded payload (`b64: false`, `crit: ["b64"]`), validly signed |
 * | `array-payload` | the claims set wrapped in a JSON array, validly signed |
 * | `revoked-shape` | no defect: a plain valid token, for revocation tests |
 *
 * `disallowed-alg` publishes its P-521 key (`es512-1`) on first use unless `'ES512'` is in the
 * issuer's `algorithms`. A verifier that fetched the key set before that does not know the key
 * yet (within its refetch cooldown; with a frozen clock, until the clock moves past it) and
 * refuses the token for an unknown `kid`, not for its algorithm: a verifier without an allowlist
 * would then look safe. Create the issuer with `algorithms: ['ES256', 'RS256', 'EdDSA', 'ES512']`
 * so the key is served from the start.
 *
 * @example
 * ```ts
 * const kinds: BadTokenKind[] = ['expired', 'alg-none', 'missing-claim:jti'];
 * for (const kind of kinds) {
 *   await expect(verifier.verify(await issuer.badToken(kind))).rejects.toThrow();
 * }
 * ```
 */
export type BadTokenKind =
  | 'expired'
  | 'not-yet-valid'
  | 'issued-in-future'
  | 'wrong-issuer'
  | 'wrong-audience'
  | 'wrong-typ'
  | 'missing-typ'
  | `missing-claim:${string}`
  | 'unknown-kid'
  | 'alg-none'
  | 'hs-rs-confusion'
  | 'tampered-payload'
  | 'tampered-signature'
  | 'oversized'
  | 'id-token'
  | 'long-lived'
  | 'disallowed-alg'
  | 'embedded-jwk'
  | 'jku'
  | 'crit'
  | 'b64-false'
  | 'array-payload'
  | 'revoked-shape';

/**
 * Every fixed {@link BadTokenKind} (all but `missing-claim:<name>`), for `describe.each` /
 * `it.each` matrices. `revoked-shape` is listed too although it has no defect.
 *
 * @example
 * ```ts
 * it.each(BAD_TOKEN_KINDS.filter((k) => k !== 'revoked-shape'))('rejects %s', async (kind) => {
 *   await expect(verifier.verify(await issuer.badToken(kind))).rejects.toThrow();
 * });
 * ```
 */
export const BAD_TOKEN_KINDS = [
  'expired',
  'not-yet-valid',
  'issued-in-future',
  'wrong-issuer',
  'wrong-audience',
  'wrong-typ',
  'missing-typ',
  'unknown-kid',
  'alg-none',
  'hs-rs-confusion',
  'tampered-payload',
  'tampered-signature',
  'oversized',
  'id-token',
  'long-lived',
  'disallowed-alg',
  'embedded-jwk',
  'jku',
  'crit',
  'b64-false',
  'array-payload',
  'revoked-shape',
] as const satisfies readonly BadTokenKind[];
