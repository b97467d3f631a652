import { exportJWK, importSPKI, importX509 } from 'jose';
import type { CryptoKey } from 'jose';
import type { KeySetStatus } from '../token/access-token-verifier.js';
import type { StaticKey } from '../token/verifier-options.js';
import { keyShapeOf } from '../internal/key-algorithms.js';
import { MAX_KID_LENGTH, readMember } from '../internal/jwks-read-key-set.js';
import type { KeySetEntry } from '../internal/jwks-read-key-set.js';
import { KeySetIndex, unfitReason } from '../internal/key-set-index.js';
import { keyNotFound } from '../internal/key-errors.js';
import { readKeyHeader } from '../internal/key-header.js';
import type { KeyResolver } from './create-key-resolver.js';

/** One configured key, ready for lookup. */
interface ConfiguredKey {
  readonly kid: string | undefined;
  /** Whether this key can verify `alg` at all. */
  fits(alg: string): boolean;
  importFor(alg: string): Promise<CryptoKey>;
  /** Set when the key turned out unusable (failed import, weak key); log-only. */
  readonly failed: () => string | undefined;
}

/**
 * Key resolver over individually configured public keys (`keys`), built by `createKeyResolver`.
 *
 * Lookup: a token naming a `kid` uses the key with that `kid`, else the only fitting key that has
 * no `kid` (an operator who pastes one PEM without a `kid` means "this key, whatever the token
 * calls it"); a token without `kid` uses the only key that fits its `alg`. Anything ambiguous is
 * `ERR_KEY_NOT_FOUND` (SPEC 67).
 *
 * @example
 * ```ts
 * const resolver = createKeyResolver({ issuer, audience, keys: [{ kind: 'pem', pem: spkiPem, alg: 'ES256', kid: 'k1' }] });
 * await resolver.getKey({ alg: 'ES256', kid: 'k1' });
 * ```
 */
export class StaticKeyResolver implements KeyResolver {
  readonly symmetric = false;
  private readonly keys: readonly ConfiguredKey[];

  constructor(
    keys: readonly StaticKey[],
    private readonly algorithms: ReadonlySet<string>,
  ) {
    if (!Array.isArray(keys) || keys.length === 0) {
      throw new TypeError(
        '"keys" must be a non-empty array of { kind: "pem", pem, alg, kid? } or { kind: "jwk", jwk }',
      );
    }
    const kids = new Set<string>();
    this.keys = keys.map((key: StaticKey, index) => {
      const configured = configureKey(key, index, algorithms);
      if (configured.kid !== undefined) {
        if (kids.has(configured.kid))
          throw new TypeError(`"keys[${index}]" repeats a "kid" of another key; each "kid" must be unique`);
        kids.add(configured.kid);
      }
      return configured;
    });
  }

  async getKey(header: { alg: string; kid?: string }): Promise<CryptoKey> {
    const { alg, kid } = readKeyHeader(header, this.algorithms);
    const fitting = this.keys.filter((key) => key.fits(alg));
    let chosen: ConfiguredKey[] = [];
    if (kid !== undefined) chosen = fitting.filter((key) => key.kid === kid);
    if (chosen.length === 0) chosen = kid === undefined ? fitting : fitting.filter((key) => key.kid === undefined);
    const key = chosen.length === 1 ? chosen[0] : undefined;
    if (key === undefined) {
      throw keyNotFound(
        chosen.length === 0
          ? 'no configured key fits this token'
          : 'several configured keys fit a token; give them a "kid"',
      );
    }
    try {
      return await key.importFor(alg);
    } catch (cause) {
      throw keyNotFound('configured key could not be imported or is unusable', cause);
    }
  }

  /** Configured keys do not change: nothing to reload. */
  async reload(): Promise<void> {}

  status(): KeySetStatus {
    const keyCount = this.keys.filter((key) => key.failed() === undefined).length;
    return { source: 'static', state: keyCount === 0 ? 'unavailable' : 'fresh', keyCount };
  }
}

function configureKey(key: StaticKey, index: number, algorithms: ReadonlySet<string>): ConfiguredKey {
  const where = `"keys[${index}]"`;
  if (typeof key !== 'object' || key === null)
    throw new TypeError(`${where} must be { kind: "pem", pem, alg, kid? } or { kind: "jwk", jwk }`);
  if (key.kind === 'pem') return configurePem(key, where, algorithms);
  if (key.kind === 'jwk') return configureJwk(key.jwk, where, algorithms);
  throw new TypeError(`${where}.kind must be "pem" or "jwk"`);
}

function configurePem(
  key: Extract<StaticKey, { kind: 'pem' }>,
  where: string,
  algorithms: ReadonlySet<string>,
): ConfiguredKey {
  const { pem, alg, kid } = key;
  if (typeof alg !== 'string' || keyShapeOf(alg) === undefined) {
    throw new TypeError(`${where}.alg must be an asymmetric JWS algorithm such as "RS256", "ES256" or "EdDSA"`);
  }
  if (!algorithms.has(alg))
    throw new TypeError(`${where}.alg "${alg}" is not in "algorithms"; add it there or fix the key's alg`);
  checkKid(kid, where);
  if (typeof pem !== 'string') throw new TypeError(`${where}.pem must be a PEM string`);
  const text = pem.trim();
  // A private key in the verifier's configuration is a leak waiting to happen (logs, heap dumps,
  // config repos): refuse it even though its public half could be derived.
  if (/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(text)) {
    throw new TypeError(
      `${where}.pem is a private key; configure the public key ("BEGIN PUBLIC KEY") or certificate instead`,
    );
  }
  let importer: () => Promise<CryptoKey>;
  if (text.startsWith('-----BEGIN PUBLIC KEY-----')) importer = () => importSPKI(text, alg, { extractable: true });
  else if (text.startsWith('-----BEGIN CERTIFICATE-----'))
    importer = () => importX509(text, alg, { extractable: true });
  else if (text.startsWith('-----BEGIN RSA PUBLIC KEY-----')) {
    throw new TypeError(`${where}.pem is PKCS#1; convert it to SPKI: openssl rsa -RSAPublicKey_in -in key.pem -pubout`);
  } else
    throw new TypeError(`${where}.pem must start with "-----BEGIN PUBLIC KEY-----" or "-----BEGIN CERTIFICATE-----"`);

  let failure: string | undefined;
  // Imported once, at creation (createKeyResolver is synchronous, so the first lookup awaits it).
  const imported = importer()
    .then(async (cryptoKey) => {
      // Same structural checks as a key set member (modulus size, exponent, ROCA, curve).
      const entry = readMember({ ...(await exportJWK(cryptoKey)), alg });
      if (entry.unusable !== undefined) throw new TypeError(`configured key is unusable: ${entry.unusable}`);
      return cryptoKey;
    })
    .catch((error: unknown) => {
      failure = error instanceof Error ? error.message : 'import failed';
      throw error;
    });
  imported.catch(() => undefined);
  return {
    kid,
    fits: (tokenAlg) => tokenAlg === alg,
    importFor: () => imported,
    failed: () => failure,
  };
}

function configureJwk(jwk: unknown, where: string, algorithms: ReadonlySet<string>): ConfiguredKey {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk))
    throw new TypeError(`${where}.jwk must be a public JWK object`);
  const member = jwk as Record<string, unknown>;
  if (
    member['kty'] === 'oct' ||
    ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv'].some((name) => Object.hasOwn(member, name))
  ) {
    throw new TypeError(
      `${where}.jwk is a private or symmetric key; configure its public JWK (HS256 secrets go in "secret")`,
    );
  }
  const entry: KeySetEntry = readMember(member);
  if (entry.unusable !== undefined) throw new TypeError(`${where}.jwk cannot verify signatures: ${entry.unusable}`);
  if (entry.alg !== undefined && !algorithms.has(entry.alg)) {
    throw new TypeError(`${where}.jwk.alg "${entry.alg}" is not in "algorithms"; add it there or fix the key's alg`);
  }
  if (![...algorithms].some((alg) => unfitReason(entry, alg) === undefined)) {
    throw new TypeError(`${where}.jwk fits none of the "algorithms"; add the algorithm it is used with`);
  }
  const index = new KeySetIndex([entry]);
  let failure: string | undefined;
  return {
    kid: entry.kid,
    fits: (alg) => unfitReason(entry, alg) === undefined,
    importFor: (alg) =>
      index.importKey(entry, alg).catch((error: unknown) => {
        failure = error instanceof Error ? error.message : 'import failed';
        throw error;
      }),
    failed: () => failure,
  };
}

function checkKid(kid: unknown, where: string): asserts kid is string | undefined {
  if (kid !== undefined && (typeof kid !== 'string' || kid.length === 0 || kid.length > MAX_KID_LENGTH)) {
    throw new TypeError(`${where}.kid must be a non-empty string of at most ${MAX_KID_LENGTH} characters`);
  }
}
