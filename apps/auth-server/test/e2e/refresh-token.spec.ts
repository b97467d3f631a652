import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import * as client from 'openid-client';
import { ORDERS_API_RESOURCE } from '../../src/config.js';
import { BACKOFFICE_REDIRECT_URI, signIn } from '../support/code-flow.js';
import { serverErrors, startAuthServer, type TestAuthServer } from '../support/start-auth-server.js';

describe('refresh tokens: rotation and reuse detection (SPEC 139)', () => {
  let as: TestAuthServer;
  let web: client.Configuration;
  let jwks: JWTVerifyGetKey;
  beforeAll(async () => {
    as = await startAuthServer();
    web = await as.clientConfig('orders-web');
    jwks = createRemoteJWKSet(new URL(web.serverMetadata().jwks_uri!));
  });
  afterAll(async () => {
    await as.stop();
    expect(serverErrors).toEqual([]);
  });

  it('rotates on use, and reuse of a consumed refresh token revokes the whole grant', async () => {
    const { tokens } = await signIn(web, 'alice');
    const r1 = tokens.refresh_token!;

    const second = await client.refreshTokenGrant(web, r1);
    const r2 = second.refresh_token!;
    expect(typeof r2).toBe('string');
    expect(r2).not.toBe(r1);
    const { payload } = await jwtVerify(second.access_token, jwks, {
      issuer: as.server.issuer,
      audience: ORDERS_API_RESOURCE,
      typ: 'at+jwt',
    });
    expect(payload).toMatchObject({
      sub: 'alice',
      roles: ['customer'],
      org_id: 'acme',
      scope: 'orders:read orders:write',
    });
    expect(payload.exp! - payload.iat!).toBe(900);

    // R1 again: refused, and the grant behind it is revoked...
    await expect(client.refreshTokenGrant(web, r1)).rejects.toMatchObject({ error: 'invalid_grant' });
    // ...so the legitimate-looking R2 is dead too.
    await expect(client.refreshTokenGrant(web, r2)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('keeps a chain alive while each new refresh token is used once', async () => {
    const { tokens } = await signIn(web, 'bob', { scope: 'orders:read' });
    let current = tokens.refresh_token!;
    for (let i = 0; i < 3; i++) {
      const next = await client.refreshTokenGrant(web, current);
      expect(next.refresh_token).not.toBe(current);
      current = next.refresh_token!;
    }
    await expect(client.refreshTokenGrant(web, current)).resolves.toMatchObject({ scope: 'orders:read' });
  });

  it('refuses a refresh token of another client', async () => {
    const backoffice = await as.clientConfig('orders-backoffice');
    const { tokens } = await signIn(backoffice, 'sam', { redirect_uri: BACKOFFICE_REDIRECT_URI });
    await expect(client.refreshTokenGrant(web, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('refuses to widen the scope on refresh', async () => {
    const { tokens } = await signIn(web, 'carol', { scope: 'orders:read' });
    await expect(
      client.refreshTokenGrant(web, tokens.refresh_token!, { scope: 'orders:read orders:write' }),
    ).rejects.toMatchObject({
      error: 'invalid_scope',
    });
  });

  it('sets a 7-day refresh token lifetime (introspected by the confidential client)', async () => {
    const backoffice = await as.clientConfig('orders-backoffice');
    const { tokens } = await signIn(backoffice, 'ada', { redirect_uri: BACKOFFICE_REDIRECT_URI });
    const info = await client.tokenIntrospection(backoffice, tokens.refresh_token!);
    expect(info).toMatchObject({ active: true, sub: 'ada', client_id: 'orders-backoffice' });
    expect(info.exp! - info.iat!).toBe(7 * 24 * 60 * 60);

    // A rotated token keeps what is left of the chain's lifetime (never extended).
    const rotated = await client.refreshTokenGrant(backoffice, tokens.refresh_token!);
    const rotatedInfo = await client.tokenIntrospection(backoffice, rotated.refresh_token!);
    expect(rotatedInfo.exp).toBeLessThanOrEqual(info.exp!);
  });
});
