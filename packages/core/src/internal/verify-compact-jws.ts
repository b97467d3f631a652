import { compactVerify, jwtVerify } from 'jose';
import type { CryptoKey, JWTPayload, JWTVerifyOptions } from 'jose';
import { mapJoseError, mapKeySourceError } from './map-jose-error.js';
import { parseCompactJws } from './parse-compact-jws.js';
import type { JwsPolicy, ParsedCompactJws } from './parse-compact-jws.js';

/** The key lookup the verifier is built on (the key resolver's `getKey`). */
export type KeyLookup = (header: {
  readonly alg: string;
  readonly kid?: string;
}) => CryptoKey | Uint8Array | Promise<CryptoKey | Uint8Array>;

/** Claim checks handed to jose's `jwtVerify` (the JWT layer); `algorithms` and `typ` come from the policy. */
export type JwtClaimOptions = Omit<JWTVerifyOptions, 'algorithms' | 'typ' | 'crit'>;

/** Result of the JWS layer: the pre-parsed header and the verified payload bytes. */
export interface VerifiedJws {
  readonly header: ParsedCompactJws['header'];
  readonly payload: Uint8Array;
}

/** Result of the JWT layer: the pre-parsed header and jose's validated claims set. */
export interface VerifiedJwt {
  readonly header: ParsedCompactJws['header'];
  readonly claims: JWTPayload;
}

/**
 * The one verification core: pre-parse and header policy ({@link parseCompactJws}), then jose.
 *
 * - Without `jwt` options it is the **JWS layer**: jose `compactVerify` checks the signature of any
 *   payload. The Wycheproof harness calls this form, because its payloads are not claims sets.
 * - With `jwt` options it is the **JWT layer** the verifier uses: jose `jwtVerify`, which in jose 6
 *   is the same `verifyCompact` signature step followed by claims-set validation (`typ`, required
 *   claims, issuer, audience, `exp`/`nbf`/`iat` with tolerance, `maxTokenAge`).
 *
 * Parse once: the header decoded here is the one handed to the key lookup and returned. jose
 * decodes the protected header again internally (its API takes the token string); duplicate
 * members having been refused, both parses are the same object.
 *
 * Every failure is a `PortcullisError` (see `mapJoseError`).
 *
 * @example
 * ```ts
 * const { claims } = await verifyCompactJws(token, policy, (h) => resolver.getKey(h), { issuer, audience, requiredClaims });
 * ```
 */
export function verifyCompactJws(token: unknown, policy: JwsPolicy, getKey: KeyLookup): Promise<VerifiedJws>;
export function verifyCompactJws(
  token: unknown,
  policy: JwsPolicy,
  getKey: KeyLookup,
  jwt: JwtClaimOptions,
): Promise<VerifiedJwt>;
export async function verifyCompactJws(
  token: unknown,
  policy: JwsPolicy,
  getKey: KeyLookup,
  jwt?: JwtClaimOptions,
): Promise<VerifiedJws | VerifiedJwt> {
  const parsed = parseCompactJws(token, policy);
  const compact = token as string;
  let keyResolved = false;
  const keyFunction = async (): Promise<CryptoKey | Uint8Array> => {
    // jose passes its own parse of the header; ours is identical (see above) and is the one
    // that went through the policy, so the lookup uses it.
    let key: CryptoKey | Uint8Array;
    try {
      key = await getKey(parsed.kid === undefined ? { alg: parsed.alg } : { alg: parsed.alg, kid: parsed.kid });
    } catch (error) {
      throw mapKeySourceError(error);
    }
    keyResolved = true;
    return key;
  };
  // jose re-checks the allowlist itself (defence in depth: the same list, enforced twice).
  const algorithms = policy.algorithmList as string[];
  try {
    if (jwt === undefined) {
      const result = await compactVerify(compact, keyFunction, { algorithms });
      return { header: parsed.header, payload: result.payload };
    }
    const result = await jwtVerify(compact, keyFunction, {
      ...jwt,
      algorithms,
      ...(policy.typ === false ? {} : { typ: policy.typ }),
    });
    return { header: parsed.header, claims: result.payload };
  } catch (error) {
    throw mapJoseError(error, keyResolved);
  }
}
