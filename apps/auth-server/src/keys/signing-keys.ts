import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';

/** Algorithms of the signing keys, in publication order for a new generation. */
export const SIGNING_ALGORITHMS = ['ES256', 'RS256'] as const;

/** A signing algorithm this server generates keys for. */
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

/** A private signing JWK as stored in the keys file (`kid`, `alg` and `use` always set). */
export interface PrivateSigningJwk extends JWK {
  kid: string;
  alg: SigningAlgorithm;
  use: 'sig';
  d: string;
}

/** Result of {@link rotateSigningKeys}. */
export interface RotationResult {
  /** Key ids added (first in the file, so they sign from the next start on). */
  added: string[];
  /** Key ids removed by pruning. */
  removed: string[];
  /** The key set now in the file, newest first. */
  keys: PrivateSigningJwk[];
}

/**
 * Generates one private signing key per algorithm (ES256 then RS256). The `kid` is the key's
 * RFC 7638 thumbprint, so it is unique and stable for the key's lifetime.
 *
 * @example
 * const [es256, rs256] = await generateSigningKeys();
 */
export async function generateSigningKeys(): Promise<PrivateSigningJwk[]> {
  const keys: PrivateSigningJwk[] = [];
  for (const alg of SIGNING_ALGORITHMS) {
    const { privateKey } = await generateKeyPair(alg, {
      extractable: true,
      ...(alg === 'RS256' ? { modulusLength: 2048 } : {}),
    });
    const jwk = await exportJWK(privateKey);
    const kid = await calculateJwkThumbprint(jwk, 'sha256');
    keys.push({ ...jwk, kid, alg, use: 'sig' } as PrivateSigningJwk);
  }
  return keys;
}

/**
 * Loads the private key set from `file`, or generates one and writes it (mode 0600) when the
 * file does not exist yet.
 *
 * @throws Error when the file exists but is not a key set this server wrote.
 * @example
 * const keys = await loadOrCreateSigningKeys('/path/to/jwks.json');
 */
export async function loadOrCreateSigningKeys(file: string): Promise<PrivateSigningJwk[]> {
  const existing = await readSigningKeys(file);
  if (existing !== undefined) return existing;
  const keys = await generateSigningKeys();
  await writeSigningKeys(file, keys);
  return keys;
}

/**
 * Adds a new key per algorithm at the front of the key set in `file` (creating the file if
 * needed). oidc-provider signs with the first key of an algorithm, so the new keys sign after the
 * next start, while the previous keys stay published and tokens they signed keep verifying.
 *
 * With `prune`, only the new keys and the one previous key per algorithm are kept: run it at least
 * one access-token lifetime (15 minutes) after the previous rotation, or tokens signed with a
 * dropped key stop verifying early.
 *
 * @example
 * const { added } = await rotateSigningKeys(file, { prune: false });
 */
export async function rotateSigningKeys(file: string, options: { prune?: boolean } = {}): Promise<RotationResult> {
  const previous = (await readSigningKeys(file)) ?? [];
  const fresh = await generateSigningKeys();
  let kept = previous;
  if (options.prune === true) {
    const seen = new Set<string>();
    kept = previous.filter((key) => {
      if (seen.has(key.alg)) return false;
      seen.add(key.alg);
      return true;
    });
  }
  const keys = [...fresh, ...kept];
  await writeSigningKeys(file, keys);
  const keptKids = new Set(kept.map((k) => k.kid));
  return {
    added: fresh.map((k) => k.kid),
    removed: previous.filter((k) => !keptKids.has(k.kid)).map((k) => k.kid),
    keys,
  };
}

/**
 * Reads and validates the key set in `file`; `undefined` when the file does not exist.
 *
 * @example
 * const keys = await readSigningKeys(file);
 */
export async function readSigningKeys(file: string): Promise<PrivateSigningJwk[] | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`signing keys file ${file} is not JSON; delete it to generate new keys`);
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0 || !keys.every(isPrivateSigningJwk)) {
    throw new Error(
      `signing keys file ${file} is not a private JWK set with kid/alg/use on every key; delete it to generate new keys`,
    );
  }
  if (new Set(keys.map((k) => k.kid)).size !== keys.length) {
    throw new Error(`signing keys file ${file} has duplicate kid values`);
  }
  for (const alg of SIGNING_ALGORITHMS) {
    if (!keys.some((k) => k.alg === alg)) {
      throw new Error(`signing keys file ${file} has no ${alg} key; run the keys:rotate command to add one`);
    }
  }
  return keys;
}

/**
 * Writes the key set atomically (temporary file + rename), readable by the owner only.
 *
 * @example
 * await writeSigningKeys(file, await generateSigningKeys());
 */
export async function writeSigningKeys(file: string, keys: readonly PrivateSigningJwk[]): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  // An unpredictable name, created exclusively ('wx': fails on an existing file or symlink): in a
  // directory others can write to, nothing planted there can receive the keys or be renamed over
  // the keys file.
  const temporary = join(dirname(file), `.${basename(file)}.${randomBytes(12).toString('hex')}.tmp`);
  // Private keys: never readable by group or others, even for an instant.
  await writeFile(temporary, `${JSON.stringify({ keys }, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await chmod(temporary, 0o600);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true }); // ours (created just above): never leave keys behind
    throw error;
  }
}

function isPrivateSigningJwk(value: unknown): value is PrivateSigningJwk {
  if (typeof value !== 'object' || value === null) return false;
  const key = value as Record<string, unknown>;
  return (
    typeof key['kid'] === 'string' &&
    key['kid'] !== '' &&
    key['use'] === 'sig' &&
    typeof key['d'] === 'string' &&
    ((key['alg'] === 'ES256' && key['kty'] === 'EC' && key['crv'] === 'P-256') ||
      (key['alg'] === 'RS256' && key['kty'] === 'RSA'))
  );
}
