// Reads a JSON Web Key Set (RFC 7517 §5) into public verification keys, or rejects it whole.
//
// Two kinds of problems, handled differently on purpose:
// - set-level problems reject the WHOLE set (a remote fetch then counts as failed and the last
//   good set stays in use; a local set is a TypeError at start-up):
//   · a member holding private or symmetric key material (`d`, `p`, `k`, `kty: "oct"` …): the
//     key server is leaking secrets or is not the server we think it is, and a symmetric member
//     would let an attacker who knows it (it was just published) mint HS* tokens (SPEC 169, 170;
//     Wycheproof "MixedKeySet");
//   · two members with the same `kid`: the lookup would be ambiguous and jose would try every
//     candidate, so an injected key could verify tokens under a trusted `kid` (SPEC 173;
//     Wycheproof "DuplicateKid");
//   · anything that is not `{ "keys": [ {…}, … ] }`.
// - key-level problems only make that member unusable for verification (SPEC 66): `use` other
//   than `sig`, `key_ops` without `verify`, an unknown or mismatching `alg`, an unsupported key
//   type or curve, a weak RSA key. The rest of the set keeps working, as with jose.

import { jwkFitsAlgorithm, keyShapeOf } from './key-algorithms.js';
import { rsaKeyWeakness } from './key-rsa-checks.js';

/** Longest `kid` looked up or accepted (SPEC 65: a 10 000-character `kid` never reaches a fetch). */
export const MAX_KID_LENGTH = 1024;

/** Members that only private or symmetric JWKs carry (RFC 7518 §6.2.2, §6.3.2, §6.4; AKP `priv`). */
const SECRET_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv'] as const;

/** The public members of a supported key, exactly what gets imported (no `use`, `key_ops`, `ext`). */
export interface PublicJwk {
  readonly kty: 'RSA' | 'EC' | 'OKP';
  readonly crv?: string;
  readonly n?: string;
  readonly e?: string;
  readonly x?: string;
  readonly y?: string;
}

/** One member of a key set after reading. */
export interface KeySetEntry {
  /** `kid`, when the member has a string one. */
  readonly kid: string | undefined;
  /** The algorithm the member is pinned to by its `alg`, if any. */
  readonly alg: string | undefined;
  /** Public key members to import; `undefined` when the member is unusable. */
  readonly jwk: PublicJwk | undefined;
  /** Why the member cannot verify signatures (log-only), or `undefined` when usable. */
  readonly unusable: string | undefined;
  /** Stable text of `jwk`, so an unchanged key keeps its imported form across refetches. */
  readonly fingerprint: string;
}

/** A key set was refused as a whole; `message` says why (no key material in it). */
export class JwkSetRejectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JwkSetRejectedError';
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates a parsed JWK Set and returns its members. Throws {@link JwkSetRejectedError} when the
 * set must be refused as a whole.
 */
export function readJwkSet(value: unknown): KeySetEntry[] {
  if (!isPlainObject(value) || !Array.isArray(value['keys'])) {
    throw new JwkSetRejectedError('a JWK Set must be an object with a "keys" array');
  }
  const members: readonly unknown[] = value['keys'];
  const seenKids = new Set<string>();
  const entries: KeySetEntry[] = [];
  members.forEach((member, index) => {
    if (!isPlainObject(member) || typeof member['kty'] !== 'string') {
      throw new JwkSetRejectedError(`key set member ${index} is not a JWK with a string "kty"`);
    }
    if (member['kty'] === 'oct' || SECRET_MEMBERS.some((name) => Object.hasOwn(member, name))) {
      throw new JwkSetRejectedError(
        `key set member ${index} is a private or symmetric key; a key set may hold public keys only`,
      );
    }
    const kid = member['kid'];
    if (typeof kid === 'string') {
      if (seenKids.has(kid)) throw new JwkSetRejectedError(`key set members share a "kid" (member ${index})`);
      seenKids.add(kid);
    }
    entries.push(readMember(member));
  });
  return entries;
}

/** Reads one public JWK (also used for `keys: [{ kind: 'jwk' }]`); never throws. */
export function readMember(member: Record<string, unknown>): KeySetEntry {
  const rawKid = member['kid'];
  const kid = typeof rawKid === 'string' ? rawKid : undefined;
  const rawAlg = member['alg'];
  const alg = typeof rawAlg === 'string' ? rawAlg : undefined;
  const unusable = (reason: string): KeySetEntry => ({ kid, alg, jwk: undefined, unusable: reason, fingerprint: '' });

  if (rawKid !== undefined && (kid === undefined || kid.length > MAX_KID_LENGTH)) {
    return unusable(`"kid" must be a string of at most ${MAX_KID_LENGTH} characters`);
  }
  if (member['use'] !== undefined && member['use'] !== 'sig') return unusable('"use" is not "sig"');
  const keyOps = member['key_ops'];
  if (keyOps !== undefined) {
    const valid =
      Array.isArray(keyOps) &&
      keyOps.every((op, i) => typeof op === 'string' && keyOps.indexOf(op) === i) &&
      keyOps.includes('verify');
    if (!valid) return unusable('"key_ops" does not allow "verify"');
  }
  if (member['ext'] !== undefined && typeof member['ext'] !== 'boolean') return unusable('"ext" is not a boolean');
  if (rawAlg !== undefined) {
    // An `alg` pins the key to one algorithm (RFC 7517 §4.4); it must be an asymmetric JWS
    // algorithm that fits the key type, else the key verifies nothing (Wycheproof tcId 19, 20).
    if (alg === undefined || keyShapeOf(alg) === undefined)
      return unusable('"alg" is not a supported signature algorithm');
    if (!jwkFitsAlgorithm(member, alg)) return unusable('"alg" does not fit the key type or curve');
  }

  let jwk: PublicJwk;
  switch (member['kty']) {
    case 'RSA': {
      const weakness = rsaKeyWeakness(member['n'], member['e']);
      if (weakness !== undefined) return unusable(weakness);
      jwk = { kty: 'RSA', n: member['n'] as string, e: member['e'] as string };
      break;
    }
    case 'EC': {
      const { crv, x, y } = member;
      if (crv !== 'P-256' && crv !== 'P-384' && crv !== 'P-521') return unusable('unsupported EC curve');
      if (typeof x !== 'string' || typeof y !== 'string') return unusable('EC key without string "x" and "y"');
      jwk = { kty: 'EC', crv, x, y };
      break;
    }
    case 'OKP': {
      const { crv, x } = member;
      if (crv !== 'Ed25519') return unusable('unsupported OKP curve');
      if (typeof x !== 'string') return unusable('OKP key without string "x"');
      jwk = { kty: 'OKP', crv, x };
      break;
    }
    default:
      return unusable('unsupported key type');
  }
  return {
    kid,
    alg,
    jwk,
    unusable: undefined,
    fingerprint: JSON.stringify([jwk.kty, jwk.crv, jwk.n, jwk.e, jwk.x, jwk.y]),
  };
}
