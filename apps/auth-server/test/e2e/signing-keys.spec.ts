import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { ORDERS_API_RESOURCE } from '../../src/config.js';
import { rotateSigningKeys } from '../../src/keys/signing-keys.js';
import { startAuthServer, type TestAuthServer } from '../support/start-auth-server.js';

async function publishedKids(as: TestAuthServer): Promise<string[]> {
  const { keys } = (await (await fetch(`${as.server.issuer}/jwks`)).json()) as { keys: Array<{ kid: string }> };
  return keys.map((k) => k.kid);
}

async function serviceToken(as: TestAuthServer): Promise<string> {
  const tokens = await client.clientCredentialsGrant(await as.clientConfig('fulfilment-service'), {
    scope: 'orders:fulfil',
  });
  return tokens.access_token;
}

describe('signing keys across restarts and rotation', () => {
  const running: TestAuthServer[] = [];
  let dir: string | undefined;
  afterEach(async () => {
    for (const as of running.splice(0)) await as.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('publishes the same kids on a second start with the same KEYS_FILE', async () => {
    dir = await mkdtemp(join(tmpdir(), 'portcullis-keys-e2e-'));
    const keysFile = join(dir, 'jwks.json');

    const first = await startAuthServer({ keysFile });
    running.push(first);
    const kidsBefore = await publishedKids(first);
    const token = await serviceToken(first);
    await first.server.close();

    const second = await startAuthServer({ keysFile });
    running.push(second);
    expect(await publishedKids(second)).toEqual(kidsBefore);
    // A token signed before the restart still verifies against the JWKS published after it.
    const jwks = createRemoteJWKSet(new URL(`${second.server.issuer}/jwks`));
    await expect(jwtVerify(token, jwks, { audience: ORDERS_API_RESOURCE, typ: 'at+jwt' })).resolves.toBeDefined();
  });

  it('after a rotation, publishes the new kids first, keeps the old ones and signs with the new ES256 key', async () => {
    dir = await mkdtemp(join(tmpdir(), 'portcullis-keys-e2e-'));
    const keysFile = join(dir, 'jwks.json');

    const before = await startAuthServer({ keysFile });
    running.push(before);
    const oldKids = await publishedKids(before);
    const oldToken = await serviceToken(before);
    await before.server.close();

    const { added } = await rotateSigningKeys(keysFile);

    const after = await startAuthServer({ keysFile });
    running.push(after);
    expect(await publishedKids(after)).toEqual([...added, ...oldKids]);
    const newToken = await serviceToken(after);
    expect(decodeProtectedHeader(newToken).kid).toBe(added[0]);
    expect(decodeProtectedHeader(oldToken).kid).toBe(oldKids[0]);

    const jwks = createRemoteJWKSet(new URL(`${after.server.issuer}/jwks`));
    for (const token of [oldToken, newToken]) {
      await expect(jwtVerify(token, jwks, { audience: ORDERS_API_RESOURCE, typ: 'at+jwt' })).resolves.toBeDefined();
    }
  });
});
