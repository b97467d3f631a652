/**
 * A deliberately conservative oracle for re-signed tokens: says when a header + claims set can
 * never be accepted by a correct RFC 9068 verifier with our configuration. "Unknown" is not
 * "valid": the fuzzer only asserts "never an allow" when the oracle is sure.
 */

/** What the oracle needs to know about the target's verifier. */
export interface OracleConfig {
  readonly issuer: string;
  readonly audience: string;
  /** Whole seconds (the target's clock). */
  readonly now: number;
  readonly leeway: number;
  readonly maxLifetime: number;
  /** kid of the key that signed the token (the only kid that can verify it). */
  readonly signingKid: string;
}

const FORBIDDEN_HEADER = ['jwk', 'jku', 'x5u', 'x5c', 'crit', 'b64', 'enc', 'zip'];
const REQUIRED = ['iss', 'aud', 'exp', 'iat', 'sub', 'jti', 'client_id'];
const own = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const nonEmptyString = (v: unknown) => typeof v === 'string' && v.length > 0;

/** The reason the token is certainly invalid, or `undefined` when the oracle cannot tell. */
export function certainlyInvalid(header: Record<string, unknown>, claims: unknown, c: OracleConfig): string | undefined {
  // The signature was made with an ES256 key: any other alg cannot verify it.
  if (header['alg'] !== 'ES256') return 'alg is not ES256';
  for (const m of FORBIDDEN_HEADER) if (own(header, m)) return `forbidden header member ${m}`;
  const typ = header['typ'];
  if (typeof typ !== 'string' || !/^(application\/)?at\+jwt$/i.test(typ)) return 'typ is not at+jwt';
  if (own(header, 'kid') && header['kid'] !== c.signingKid) return 'kid names another key';
  if (typeof header['cty'] === 'string' && /^(application\/)?jwt$/i.test(header['cty'])) return 'nested JWT';
  if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) return 'claims not an object';
  const cl = claims as Record<string, unknown>;
  for (const name of REQUIRED) if (!own(cl, name)) return `missing ${name}`;
  if (cl['iss'] !== c.issuer) return 'iss';
  const aud = cl['aud'];
  const audOk = aud === c.audience || (Array.isArray(aud) && aud.length > 0 && aud.every((a) => typeof a === 'string') && aud.includes(c.audience));
  if (!audOk) return 'aud';
  if (!finite(cl['exp']) || cl['exp'] <= c.now - c.leeway) return 'exp';
  if (!finite(cl['iat']) || cl['iat'] > c.now + c.leeway) return 'iat';
  if (own(cl, 'nbf') && (!finite(cl['nbf']) || cl['nbf'] > c.now + c.leeway)) return 'nbf';
  if (cl['exp'] - cl['iat'] > c.maxLifetime) return 'lifetime';
  for (const name of ['sub', 'jti', 'client_id']) if (!nonEmptyString(cl[name])) return name;
  if (own(cl, 'scope') && typeof cl['scope'] !== 'string') return 'scope type';
  if (own(cl, 'roles') && (!Array.isArray(cl['roles']) || cl['roles'].some((r) => typeof r !== 'string'))) return 'roles type';
  if (own(cl, 'org_id') && typeof cl['org_id'] !== 'string') return 'org_id type';
  // Authorization of GET /orders/o-a1: read scope (exact token) is needed whatever else.
  if (typeof cl['scope'] !== 'string' || !cl['scope'].split(' ').includes('orders:read')) return 'no orders:read';
  return undefined;
}
