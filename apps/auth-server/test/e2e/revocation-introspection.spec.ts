import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as client from 'openid-client';
import { ORDERS_API_RESOURCE } from '../../src/config.js';
import { BACKOFFICE_REDIRECT_URI, signIn } from '../support/code-flow.js';
import { serverErrors, startAuthServer, type TestAuthServer } from '../support/start-auth-server.js';

describe('revocation (RFC 7009) and introspection (RFC 7662), JWT access tokens (SPEC 140)', () => {
  let as: TestAuthServer;
  let web: client.Configuration;
  let backoffice: client.Configuration;
  let service: client.Configuration;
  beforeAll(async () => {
    as = await startAuthServer();
    web = await as.clientConfig('orders-web');
    backoffice = await as.clientConfig('orders-backoffice');
    service = await as.clientConfig('fulfilment-service');
  });
  afterAll(async () => {
    await as.stop();
    expect(serverErrors).toEqual([]);
  });

  it('answers 200 to the revocation of a garbage token, for public and confidential clients (SPEC 140)', async () => {
    await expect(client.tokenRevocation(web, 'garbage')).resolves.toBeUndefined();
    await expect(
      client.tokenRevocation(backoffice, 'garbage', { token_type_hint: 'refresh_token' }),
    ).resolves.toBeUndefined();
  });

  it('revokes a refresh token: the grant is gone and refreshing fails', async () => {
    const { tokens } = await signIn(web, 'alice');
    await client.tokenRevocation(web, tokens.refresh_token!, { token_type_hint: 'refresh_token' });
    await expect(client.refreshTokenGrant(web, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('introspects an active refresh token for a confidential client', async () => {
    const { tokens } = await signIn(backoffice, 'alice', { redirect_uri: BACKOFFICE_REDIRECT_URI });
    const info = await client.tokenIntrospection(backoffice, tokens.refresh_token!);
    expect(info).toMatchObject({
      active: true,
      sub: 'alice',
      client_id: 'orders-backoffice',
      scope: expect.stringContaining('orders:read'),
      iss: as.server.issuer,
    });

    await client.tokenRevocation(backoffice, tokens.refresh_token!);
    await expect(client.tokenIntrospection(backoffice, tokens.refresh_token!)).resolves.toEqual({ active: false });
  });

  it('answers active:false for garbage', async () => {
    await expect(client.tokenIntrospection(backoffice, 'garbage')).resolves.toEqual({ active: false });
  });

  it('never tells a public client about a token (active:false)', async () => {
    const { tokens } = await signIn(web, 'bob', { scope: 'orders:read' });
    await expect(client.tokenIntrospection(web, tokens.refresh_token!)).resolves.toEqual({ active: false });
  });

  it('refuses to introspect or revoke a JWT access token (oidc-provider: unsupported_token_type)', async () => {
    // A JWT access token is self-contained: resource servers verify it with the JWKS, and it
    // lives until `exp` (15 minutes). Use ACCESS_TOKEN_FORMAT=opaque for introspection mode.
    const tokens = await client.clientCredentialsGrant(service, { scope: 'orders:fulfil' });
    await expect(client.tokenIntrospection(service, tokens.access_token)).rejects.toMatchObject({
      error: 'unsupported_token_type',
    });
    await expect(client.tokenRevocation(service, tokens.access_token)).rejects.toMatchObject({
      error: 'unsupported_token_type',
    });
  });

  it('requires client authentication at the introspection endpoint (hand-built refusal request)', async () => {
    const response = await fetch(web.serverMetadata().introspection_endpoint!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: 'anything' }).toString(),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
  });
});

describe('introspection mode (ACCESS_TOKEN_FORMAT=opaque)', () => {
  let as: TestAuthServer;
  let web: client.Configuration;
  let backoffice: client.Configuration;
  let service: client.Configuration;
  beforeAll(async () => {
    as = await startAuthServer({ accessTokenFormat: 'opaque' });
    web = await as.clientConfig('orders-web');
    backoffice = await as.clientConfig('orders-backoffice');
    service = await as.clientConfig('fulfilment-service');
  });
  afterAll(async () => {
    await as.stop();
    expect(serverErrors).toEqual([]);
  });

  it('introspects an active user access token for a confidential client, with the orders claims', async () => {
    const { tokens } = await signIn(backoffice, 'alice', { redirect_uri: BACKOFFICE_REDIRECT_URI });
    expect(tokens.access_token.split('.')).toHaveLength(1); // opaque, not a JWT
    const info = await client.tokenIntrospection(backoffice, tokens.access_token);
    expect(info).toMatchObject({
      active: true,
      sub: 'alice',
      client_id: 'orders-backoffice',
      scope: 'orders:read orders:write',
      aud: ORDERS_API_RESOURCE,
      iss: as.server.issuer,
      token_type: 'Bearer',
      roles: ['customer'],
      org_id: 'acme',
    });
    expect(info.exp! - info.iat!).toBe(900);
  });

  it('introspects a client-credentials token, and answers active:false after its revocation', async () => {
    const tokens = await client.clientCredentialsGrant(service, { scope: 'orders:fulfil' });
    await expect(client.tokenIntrospection(service, tokens.access_token)).resolves.toMatchObject({
      active: true,
      client_id: 'fulfilment-service',
      scope: 'orders:fulfil',
      aud: ORDERS_API_RESOURCE,
    });
    await client.tokenRevocation(service, tokens.access_token);
    await expect(client.tokenIntrospection(service, tokens.access_token)).resolves.toEqual({ active: false });
  });

  it('deactivates the access tokens of a grant revoked by refresh-token reuse (SPEC 139, introspection mode)', async () => {
    const { tokens } = await signIn(web, 'carol', { scope: 'orders:read' });
    const second = await client.refreshTokenGrant(web, tokens.refresh_token!);
    await expect(client.tokenIntrospection(service, second.access_token)).resolves.toMatchObject({
      active: true,
      sub: 'carol',
    });

    await expect(client.refreshTokenGrant(web, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    await expect(client.tokenIntrospection(service, tokens.access_token)).resolves.toEqual({ active: false });
    await expect(client.tokenIntrospection(service, second.access_token)).resolves.toEqual({ active: false });
  });
});
