import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startAuthServer, type TestAuthServer } from '../support/start-auth-server.js';

describe('discovery', () => {
  let as: TestAuthServer;
  beforeAll(async () => {
    as = await startAuthServer();
  });
  afterAll(async () => {
    await as.stop();
  });

  it('publishes the metadata of the contract through openid-client', async () => {
    const config = await as.clientConfig('orders-web');
    const meta = config.serverMetadata();

    expect(meta.issuer).toBe(as.server.issuer);
    expect(meta.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(meta.response_types_supported).toEqual(['code']); // no implicit or hybrid
    expect(meta.code_challenge_methods_supported).toEqual(['S256']); // no plain
    expect([...(meta.grant_types_supported ?? [])].sort()).toEqual([
      'authorization_code',
      'client_credentials',
      'refresh_token',
    ]);
    expect(meta.grant_types_supported).not.toContain('password');
    expect(meta.grant_types_supported).not.toContain('implicit');
    expect(meta.grant_types_supported).not.toContain('urn:ietf:params:oauth:grant-type:device_code');
    expect(meta.device_authorization_endpoint).toBeUndefined();
    expect(meta.registration_endpoint).toBeUndefined();
    expect(meta.scopes_supported).toEqual(['openid', 'offline_access', 'orders:read', 'orders:write', 'orders:fulfil']);
    expect(meta.revocation_endpoint).toBe(`${as.server.issuer}/token/revocation`);
    expect(meta.introspection_endpoint).toBe(`${as.server.issuer}/token/introspection`);
    expect(meta.jwks_uri).toBe(`${as.server.issuer}/jwks`);
    expect([...(meta.token_endpoint_auth_methods_supported ?? [])].sort()).toEqual(['client_secret_basic', 'none']);
    expect(meta.authorization_response_iss_parameter_supported).toBe(true);
  });

  it('publishes public ES256 and RS256 keys only, each with a kid', async () => {
    const response = await fetch(`${as.server.issuer}/jwks`);
    expect(response.status).toBe(200);
    const { keys } = (await response.json()) as { keys: Array<Record<string, unknown>> };

    expect(keys.map((k) => k['alg'])).toEqual(['ES256', 'RS256']);
    for (const key of keys) {
      expect(typeof key['kid']).toBe('string');
      expect(key['use']).toBe('sig');
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key).not.toHaveProperty(secret);
    }
  });

  it('does not offer userinfo: every access token is for the orders API', async () => {
    const config = await as.clientConfig('orders-web');
    expect(config.serverMetadata().userinfo_endpoint).toBeUndefined();
  });
});
