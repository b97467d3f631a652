import { KeyObject, webcrypto } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import type { CryptoKey, JSONWebKeySet, JWK } from 'jose';
import type { SigningAlgorithm } from '../signing-algorithm.js';
import { algorithmEntry } from './algorithms.js';

/** One asymmetric signing key held by the test issuer. */
export interface IssuerKey {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  /** Public JWK with `kid`, `alg` and `use: 'sig'`, as published. */
  readonly publicJwk: JWK;
}

/**
 * Generates a key pair once; tokens then sign with the imported `CryptoKey` (no per-token import).
 * The private key is not extractable: nothing but `subtle.sign` can use it, so no code path (a
 * JWKS built from the wrong key, a debug dump) can ever publish it. Public keys always export.
 */
export async function generateIssuerKey(alg: SigningAlgorithm, kid: string): Promise<IssuerKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: false });
  const jwk = await exportJWK(publicKey);
  const publicJwk: JWK = { ...jwk, kid, alg, use: 'sig' };
  return { kid, alg, privateKey, publicKey, publicJwk };
}

/** Signs `input` with `key` the way JWS `alg` requires (ECDSA output is already raw R‖S). */
export async function signWithKey(key: IssuerKey, input: Uint8Array): Promise<Uint8Array> {
  const params = algorithmEntry(key.alg).signing;
  const signature = await webcrypto.subtle.sign(params, key.privateKey as webcrypto.CryptoKey, input);
  return new Uint8Array(signature);
}

/** SPKI PEM text of a public key, exactly as an RS→HS confusion attacker would copy it. */
export function publicKeyPem(key: IssuerKey): string {
  return KeyObject.from(key.publicKey as webcrypto.CryptoKey).export({ type: 'spki', format: 'pem' }) as string;
}

/**
 * The issuer's keys. Published keys appear in the JWKS; removed keys are kept ("retired") so a
 * test can still mint a token signed by a key the issuer no longer publishes (rotation cases).
 */
export class KeyRing {
  private readonly published = new Map<string, IssuerKey>();
  private readonly retired = new Map<string, IssuerKey>();
  private readonly counters = new Map<string, number>();
  private readonly untrusted = new Map<SigningAlgorithm, Promise<IssuerKey>>();

  /** Generates and publishes a key; its kid is `<alg>-<n>` in lower case, e.g. `es256-1`. */
  async add(alg: SigningAlgorithm): Promise<IssuerKey> {
    const kid = this.nextKid(alg);
    const key = await generateIssuerKey(alg, kid);
    this.published.set(kid, key);
    return key;
  }

  /** Adds several keys concurrently, keeping kids in argument order. */
  async addAll(algs: readonly SigningAlgorithm[]): Promise<void> {
    const kids = algs.map((alg) => this.nextKid(alg));
    const keys = await Promise.all(algs.map((alg, i) => generateIssuerKey(alg, kids[i]!)));
    for (const key of keys) this.published.set(key.kid, key);
  }

  remove(kid: string): boolean {
    const key = this.published.get(kid);
    if (!key) return false;
    this.published.delete(kid);
    this.retired.set(kid, key);
    return true;
  }

  /** A published or retired key by kid. */
  byKid(kid: string): IssuerKey | undefined {
    return this.published.get(kid) ?? this.retired.get(kid);
  }

  /** The newest published key for `alg` (so tokens follow a rotation by default). */
  current(alg: SigningAlgorithm): IssuerKey | undefined {
    let found: IssuerKey | undefined;
    for (const key of this.published.values()) if (key.alg === alg) found = key;
    return found;
  }

  /** Published algorithms, in the order their first key was added. */
  algorithms(): SigningAlgorithm[] {
    return [...new Set([...this.published.values()].map((k) => k.alg))];
  }

  /** A key of `alg` that is never published: the "attacker" or "other issuer" key. */
  untrustedKey(alg: SigningAlgorithm): Promise<IssuerKey> {
    let key = this.untrusted.get(alg);
    if (!key) {
      key = generateIssuerKey(alg, `untrusted-${alg.toLowerCase()}`);
      this.untrusted.set(alg, key);
    }
    return key;
  }

  /** A fresh copy of the published public key set. */
  jwks(): JSONWebKeySet {
    return { keys: [...this.published.values()].map((k) => ({ ...k.publicJwk })) };
  }

  private nextKid(alg: SigningAlgorithm): string {
    const n = (this.counters.get(alg) ?? 0) + 1;
    this.counters.set(alg, n);
    return `${alg.toLowerCase()}-${n}`;
  }
}
