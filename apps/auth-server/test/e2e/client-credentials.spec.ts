import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { SHORT_LIVED_ACCESS_TOKEN_TTL_SECONDS } from '../../src/clients.js';
import { DEV_CLIENT_SECRETS, ORDERS_API_RESOURCE } from '../../src/config.js';
import { clientConfigFor, serverErrors, startAuthServer, type TestAuthServer } from '../support/start-auth-server.js';

describe('client credentials (fulfilment-service)', () => {
  let as: TestAuthServer;
  let service: client.Configuration;
  beforeAll(async () => {
    as = await startAuthServer();
    service = await as.clientConfig('fulfilment-service');
  });
  afterAll(async () => {
    await as.stop();
    expect(serverErrors).toEqual([]);
  });

  it('issues an RFC 9068 JWT access token for the orders API that verifies against the published JWKS', async () => {
    const tokens = await client.clientCredentialsGrant(service, { scope: 'orders:fulfil' });
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.expires_in).toBe(900);
    expect(tokens.scope).toBe('orders:fulfil');
    expect(tokens.refresh_token).toBeUndefined();

    const jwks = createRemoteJWKSet(new URL(service.serverMetadata().jwks_uri!));
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, {
      issuer: as.server.issuer,
      audience: ORDERS_API_RESOURCE,
      typ: 'at+jwt',
      algorithms: ['ES256'],
    });

    expect(protectedHeader).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    expect(typeof protectedHeader.kid).toBe('string');
    expect(payload.aud).toBe(ORDERS_API_RESOURCE);
    expect(payload['scope']).toBe('orders:fulfil');
    expect(payload['client_id']).toBe('fulfilment-service');
    expect(payload.sub).toBe('fulfilment-service'); // client credentials: sub is the client
    expect(typeof payload.jti).toBe('string');
    expect(typeof payload.iat).toBe('number');
    expect(payload.exp! - payload.iat!).toBe(900);
    // Only RFC 9068 claims: no user claims on a client token.
    expect(Object.keys(payload).sort()).toEqual(['aud', 'client_id', 'exp', 'iat', 'iss', 'jti', 'scope', 'sub']);
  });

  it('signs with the first ES256 key of the published set', async () => {
    const tokens = await client.clientCredentialsGrant(service, { scope: 'orders:fulfil' });
    const { keys } = (await (await fetch(service.serverMetadata().jwks_uri!)).json()) as {
      keys: Array<{ kid: string; alg: string }>;
    };
    expect(decodeProtectedHeader(tokens.access_token).kid).toBe(keys.find((k) => k.alg === 'ES256')!.kid);
  });

  it('refuses a scope the client is not allowed (orders:read) with invalid_scope', async () => {
    await expect(client.clientCredentialsGrant(service, { scope: 'orders:read' })).rejects.toMatchObject({
      error: 'invalid_scope',
    });
    await expect(client.clientCredentialsGrant(service, { scope: 'orders:fulfil orders:write' })).rejects.toMatchObject(
      {
        error: 'invalid_scope',
      },
    );
  });

  it('refuses a resource other than the orders API with invalid_target (SPEC 183)', async () => {
    await expect(
      client.clientCredentialsGrant(service, {
        scope: 'orders:fulfil',
        resource: 'https://api.portcullis.test/billing',
      }),
    ).rejects.toMatchObject({ error: 'invalid_target' });
  });

  it('accepts the orders API named explicitly as the resource', async () => {
    const tokens = await client.clientCredentialsGrant(service, {
      scope: 'orders:fulfil',
      resource: ORDERS_API_RESOURCE,
    });
    expect(tokens.scope).toBe('orders:fulfil');
  });

  it('refuses a wrong client secret with invalid_client', async () => {
    const wrong = await client.discovery(
      new URL(as.server.issuer),
      'fulfilment-service',
      undefined,
      client.ClientSecretBasic('not-the-secret'),
      { execute: [client.allowInsecureRequests] },
    );
    // Basic auth failure: 401 with a WWW-Authenticate challenge carrying invalid_client.
    await expect(client.clientCredentialsGrant(wrong, { scope: 'orders:fulfil' })).rejects.toMatchObject({
      status: 401,
      cause: [{ scheme: 'basic', parameters: { error: 'invalid_client' } }],
    });
  });

  it('refuses client credentials to the clients that are not registered for it', async () => {
    for (const clientId of ['orders-web', 'orders-backoffice'] as const) {
      const config = await as.clientConfig(clientId);
      // oidc-provider answers invalid_request (not RFC 6749's unauthorized_client) for a grant
      // type the client is not registered for.
      await expect(client.clientCredentialsGrant(config, { scope: 'orders:read' })).rejects.toMatchObject({
        error: 'invalid_request',
        error_description: 'requested grant type is not allowed for this client',
      });
    }
  });

  it('gives the DEV ONLY short-lived-service tokens that live 3 s, and fulfilment-service still 900 s', async () => {
    const shortLived = await as.clientConfig('short-lived-service');
    const tokens = await client.clientCredentialsGrant(shortLived, { scope: 'orders:fulfil' });
    expect(tokens.expires_in).toBe(SHORT_LIVED_ACCESS_TOKEN_TTL_SECONDS);
    const claims = decodeJwt(tokens.access_token);
    expect(claims).toMatchObject({ sub: 'short-lived-service', aud: ORDERS_API_RESOURCE, scope: 'orders:fulfil' });
    expect(claims.exp! - claims.iat!).toBe(3);
    // Other clients are unaffected.
    const normal = decodeJwt((await client.clientCredentialsGrant(service, { scope: 'orders:fulfil' })).access_token);
    expect(normal.exp! - normal.iat!).toBe(900);
  });

  it('has no short-lived-service client when its secret is not configured (as with NODE_ENV=production)', async () => {
    const { shortLivedService: _dropped, ...productionSecrets } = DEV_CLIENT_SECRETS;
    const production = await startAuthServer({ clientSecrets: productionSecrets });
    try {
      const shortLived = await clientConfigFor(production.server, as.config, 'short-lived-service');
      await expect(client.clientCredentialsGrant(shortLived, { scope: 'orders:fulfil' })).rejects.toMatchObject({
        status: 401,
        cause: [{ scheme: 'basic', parameters: { error: 'invalid_client' } }],
      });
    } finally {
      await production.stop();
    }
  });

  it('refuses the password grant (not implemented, hand-built refusal request)', async () => {
    const response = await fetch(`${as.server.issuer}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`fulfilment-service:${as.config.clientSecrets.fulfilmentService}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'password', username: 'alice', password: 'password' }).toString(),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'unsupported_grant_type' });
  });
});
