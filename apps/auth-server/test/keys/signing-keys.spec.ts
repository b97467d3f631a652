import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importJWK, SignJWT, jwtVerify } from 'jose';
import {
  generateSigningKeys,
  loadOrCreateSigningKeys,
  readSigningKeys,
  rotateSigningKeys,
} from '../../src/keys/signing-keys.js';

describe('signing keys file', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portcullis-keys-'));
    file = join(dir, 'nested', 'jwks.json');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('generates one ES256 and one RS256 private key, each with a thumbprint kid and use sig', async () => {
    const keys = await generateSigningKeys();
    expect(keys.map((k) => [k.alg, k.kty, k.use])).toEqual([
      ['ES256', 'EC', 'sig'],
      ['RS256', 'RSA', 'sig'],
    ]);
    expect(keys.every((k) => typeof k.d === 'string' && /^[\w-]{43}$/.test(k.kid))).toBe(true);
    expect(new Set(keys.map((k) => k.kid)).size).toBe(2);

    // The keys really sign (and the public half verifies).
    for (const key of keys) {
      const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = key;
      const token = await new SignJWT({}).setProtectedHeader({ alg: key.alg }).sign(await importJWK(key, key.alg));
      await expect(jwtVerify(token, await importJWK(publicJwk, key.alg))).resolves.toBeDefined();
    }
  });

  it('creates the file on first use with mode 0600, then loads the same keys', async () => {
    const first = await loadOrCreateSigningKeys(file);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'nested'))).mode & 0o077).toBe(0);
    const second = await loadOrCreateSigningKeys(file);
    expect(second).toEqual(first);
  });

  it('never writes the private keys through a file planted at a predictable temporary path', async () => {
    // A KEYS_FILE in a directory other users can write to: a planted, world-readable file (or a
    // symlink) at `<file>.<pid>.tmp` must neither receive the keys nor become the keys file.
    await mkdir(join(dir, 'nested'), { recursive: true });
    const planted = `${file}.${process.pid}.tmp`;
    await writeFile(planted, 'planted', { mode: 0o644 });
    await loadOrCreateSigningKeys(file);
    expect(await readFile(planted, 'utf8')).toBe('planted');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(join(dir, 'nested'))).toEqual(['jwks.json', 'jwks.json.' + process.pid + '.tmp'].sort());
  });

  it('rotation puts a new key per algorithm first and keeps the previous ones', async () => {
    const before = await loadOrCreateSigningKeys(file);
    const { added, removed, keys } = await rotateSigningKeys(file);
    expect(added).toHaveLength(2);
    expect(removed).toEqual([]);
    expect(keys.map((k) => k.kid)).toEqual([...added, ...before.map((k) => k.kid)]);
    expect(keys.map((k) => k.alg)).toEqual(['ES256', 'RS256', 'ES256', 'RS256']);
    expect(await readSigningKeys(file)).toEqual(keys);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('pruning keeps the new keys and only the previous key of each algorithm', async () => {
    const oldest = await loadOrCreateSigningKeys(file);
    const middle = await rotateSigningKeys(file);
    const { added, removed, keys } = await rotateSigningKeys(file, { prune: true });
    expect(keys.map((k) => k.kid)).toEqual([...added, ...middle.added]);
    expect(removed.sort()).toEqual(oldest.map((k) => k.kid).sort());
  });

  it('rotating without a file creates one', async () => {
    const { keys, added } = await rotateSigningKeys(file);
    expect(keys.map((k) => k.kid)).toEqual(added);
  });

  it.each([
    ['not JSON', 'nope', /not JSON/],
    ['no keys', '{"keys":[]}', /not a private JWK set/],
    [
      'public keys only',
      JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', x: 'a', y: 'b', kid: 'k', alg: 'ES256', use: 'sig' }] }),
      /not a private JWK set/,
    ],
    [
      'alg not matching kty',
      JSON.stringify({ keys: [{ kty: 'RSA', n: 'a', e: 'AQAB', d: 'x', kid: 'k', alg: 'ES256', use: 'sig' }] }),
      /not a private JWK set/,
    ],
  ])('refuses a keys file with %s', async (_name, content, message) => {
    await loadOrCreateSigningKeys(file); // creates the folder
    await writeFile(file, content);
    await expect(loadOrCreateSigningKeys(file)).rejects.toThrow(message);
    expect(await readFile(file, 'utf8')).toBe(content); // never overwritten
  });

  it('refuses duplicate kids and a missing algorithm', async () => {
    const [es, rs] = await loadOrCreateSigningKeys(file);
    await writeFile(file, JSON.stringify({ keys: [es, es, rs] }));
    await expect(readSigningKeys(file)).rejects.toThrow(/duplicate kid/);
    await writeFile(file, JSON.stringify({ keys: [es] }));
    await expect(readSigningKeys(file)).rejects.toThrow(/no RS256 key/);
  });
});
