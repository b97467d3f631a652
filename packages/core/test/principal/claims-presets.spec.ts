/**
 * Each provider preset, tested with tokens shaped like that provider's access tokens (claim sets
 * modelled on the providers' documented examples), minted by the test issuer and verified end to
 * end through createPortcullis. Cognito access tokens carry no `aud` claim: they are verified with
 * `audienceClaim: 'client_id'` (and the preset is also tested at the mapper).
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { createTestIssuer, type TestIssuer, type TokenOptions } from '@portcullis/testing';
import { decide } from '../../src/authorization/decide.js';
import { requireRoles } from '../../src/authorization/require-roles.js';
import { requireScopes } from '../../src/authorization/require-scopes.js';
import { PortcullisError } from '../../src/errors/portcullis-error.js';
import type { ClaimsMapping, ClaimsPreset } from '../../src/principal/claims-mapping.js';
import { CLAIMS_PRESETS } from '../../src/principal/claims-presets.js';
import { createPrincipalMapper } from '../../src/principal/create-principal-mapper.js';
import type { Principal } from '../../src/principal/principal.js';
import { createPortcullis } from '../../src/portcullis/create-portcullis.js';
import type { PortcullisOptions } from '../../src/portcullis/portcullis.js';

const issuers: TestIssuer[] = [];
afterAll(async () => {
  await Promise.all(issuers.map((i) => i.close()));
});

/** Claims the test issuer adds by default that a provider would not send. */
const NO_DEFAULTS = { sub: undefined, client_id: undefined, jti: undefined };

async function provider(
  iss: string,
  aud: string,
  claims: ClaimsPreset | ClaimsMapping,
  extra: Partial<PortcullisOptions> = {},
  tokenOptions: TokenOptions = {},
) {
  const issuer = await createTestIssuer({ issuer: iss, audience: aud, serve: 'none', algorithms: ['RS256'] });
  issuers.push(issuer);
  const portcullis = createPortcullis({ ...issuer.verifierOptions(), claims, ...extra });
  return async (payload: Record<string, unknown>): Promise<Principal> => {
    const token = await issuer.token({ ...NO_DEFAULTS, ...payload }, { alg: 'RS256', ...tokenOptions });
    return (await portcullis.authenticate({ headers: { authorization: `Bearer ${token}` } })).principal;
  };
}

const allows = (rule: ReturnType<typeof requireRoles>, principal: Principal) => decide(rule, { principal }).allowed;

describe('CLAIMS_PRESETS', () => {
  it('is a frozen record of the six presets', () => {
    expect(Object.keys(CLAIMS_PRESETS)).toEqual(['rfc9068', 'auth0', 'entra', 'okta', 'keycloak', 'cognito']);
    expect(Object.isFrozen(CLAIMS_PRESETS)).toBe(true);
    for (const preset of Object.values(CLAIMS_PRESETS)) {
      expect(Object.isFrozen(preset)).toBe(true);
      expect(Object.isFrozen(preset.roles)).toBe(true);
    }
  });
});

describe('rfc9068 preset (oidc-provider shaped tokens)', () => {
  it('maps a user token and a client-credentials token', async () => {
    const authenticate = await provider('http://127.0.0.1:4000', 'https://api.example.test/orders', 'rfc9068');
    const user = await authenticate({
      sub: 'alice',
      client_id: 'orders-web',
      jti: 'OGtHZ6B2l7gqK0Q',
      scope: 'openid orders:read orders:write',
      roles: ['customer'],
      org_id: 'acme',
    });
    expect(user).toMatchObject({ subject: 'alice', clientId: 'orders-web', kind: 'user', tenant: 'acme' });
    expect([...user.scopes]).toEqual(['openid', 'orders:read', 'orders:write']);
    // oidc-provider: `sub` falls back to the client id for client credentials
    const client = await authenticate({
      sub: 'fulfilment-service',
      client_id: 'fulfilment-service',
      jti: 'x1',
      scope: 'orders:fulfil',
    });
    expect(client.kind).toBe('client');
    expect(decide(requireScopes(['orders:fulfil']), { principal: client }).allowed).toBe(true);
  });
});

describe('auth0 preset', () => {
  const ROLES = 'https://orders.example.com/roles';
  const mapping = { ...CLAIMS_PRESETS.auth0, roles: [`[${ROLES}]`] };
  const aud = ['https://api.example.com/orders', 'https://orders-demo.eu.auth0.com/userinfo'];

  it('maps a user token: scope + permissions, namespaced roles, org_id, azp', async () => {
    const authenticate = await provider('https://orders-demo.eu.auth0.com/', 'https://api.example.com/orders', mapping);
    const p = await authenticate({
      aud,
      sub: 'auth0|64f1c2a9e1b2c3d4e5f60718',
      azp: 'kT9bq3tWm5Yx2Lr8Zc1Nd4Fh6Gj0Pa7S',
      client_id: 'kT9bq3tWm5Yx2Lr8Zc1Nd4Fh6Gj0Pa7S',
      jti: 'a1b2c3d4e5f6',
      scope: 'openid profile email',
      permissions: ['orders:read', 'orders:write'],
      org_id: 'org_W8fJ3kPq2Lm9Xz1B',
      [ROLES]: ['support'],
    });
    expect(p).toMatchObject({
      kind: 'user',
      clientId: 'kT9bq3tWm5Yx2Lr8Zc1Nd4Fh6Gj0Pa7S',
      tenant: 'org_W8fJ3kPq2Lm9Xz1B',
    });
    expect([...p.scopes]).toEqual(['openid', 'profile', 'email', 'orders:read', 'orders:write']);
    expect(allows(requireRoles(['support']), p)).toBe(true);
  });

  it('recognises an M2M (client-credentials) token', async () => {
    const authenticate = await provider('https://orders-demo.eu.auth0.com/', 'https://api.example.com/orders', 'auth0');
    const p = await authenticate({
      sub: 'Xq7Lm2Np9Rt4Vw6Yz8Ab1Cd3Ef5Gh0Jk@clients',
      azp: 'Xq7Lm2Np9Rt4Vw6Yz8Ab1Cd3Ef5Gh0Jk',
      client_id: 'Xq7Lm2Np9Rt4Vw6Yz8Ab1Cd3Ef5Gh0Jk',
      jti: 'm2m-1',
      gty: 'client-credentials',
      scope: 'orders:fulfil',
      permissions: ['orders:fulfil'],
    });
    expect(p.kind).toBe('client');
    expect([...p.scopes]).toEqual(['orders:fulfil']);
  });

  it('grants no roles by default (Auth0 has no standard roles claim)', () => {
    const p = createPrincipalMapper('auth0')({
      iss: 'i',
      sub: 'auth0|1',
      azp: 'c',
      [ROLES]: ['admin'],
      roles: ['admin'],
    });
    expect(p.roles.size).toBe(0);
  });
});

describe('entra preset (Microsoft Entra ID v2 access tokens)', () => {
  const tid = '72f988bf-86f1-41af-91ab-2d7cd011db47';
  const api = '6e74172b-be56-4843-9ff4-e66a39bb12e3';
  const entra = () =>
    provider(
      `https://login.microsoftonline.com/${tid}/v2.0`,
      api,
      'entra',
      { typ: 'JWT', requiredClaims: ['iss', 'aud', 'exp', 'iat', 'sub'] },
      { typ: 'JWT' },
    );

  it('maps a delegated (user) token: scp string, roles, tid, azp', async () => {
    const authenticate = await entra();
    const p = await authenticate({
      sub: 'HKZpfaHyWadeOouYlitjrI-KffTm222X5rrV3xDqfKQ',
      oid: '690222be-ff1a-4d56-abd1-7e4f7d38e474',
      azp: '0a1b2c3d-1111-2222-3333-444455556666',
      azpacr: '0',
      tid,
      ver: '2.0',
      uti: 'fqiBqXLPj0eQa82S-IYFAA',
      name: 'Abe Lincoln',
      preferred_username: 'abeli@contoso.com',
      scp: 'Orders.Read Orders.Write',
      roles: ['Orders.Support'],
    });
    expect(p).toMatchObject({ kind: 'user', tenant: tid, clientId: '0a1b2c3d-1111-2222-3333-444455556666' });
    expect([...p.scopes]).toEqual(['Orders.Read', 'Orders.Write']);
    expect(allows(requireRoles(['Orders.Support']), p)).toBe(true);
    expect(p.tokenId).toBeUndefined(); // Entra sends `uti`, not `jti`
  });

  it('recognises app-only tokens by idtyp, and by no scp with oid === sub', async () => {
    const authenticate = await entra();
    const sp = 'f0e1d2c3-b4a5-9687-7869-5a4b3c2d1e0f';
    const withIdtyp = await authenticate({
      sub: sp,
      oid: sp,
      azp: 'svc-app-id',
      tid,
      idtyp: 'app',
      roles: ['Orders.Fulfil'],
    });
    expect(withIdtyp.kind).toBe('client');
    const v1 = await authenticate({ sub: sp, oid: sp, appid: 'svc-app-id', tid, ver: '1.0', roles: ['Orders.Fulfil'] });
    expect(v1).toMatchObject({ kind: 'client', clientId: 'svc-app-id' });
  });

  it('fails closed on an scp array shaped wrongly and roles as a string', async () => {
    const authenticate = await entra();
    await expect(authenticate({ sub: 's', tid, scp: ['Orders.Read', 7] })).rejects.toMatchObject({
      code: 'ERR_CLAIM_INVALID',
      claim: 'scp',
    });
    await expect(authenticate({ sub: 's', tid, roles: 'Orders.Admin' })).rejects.toMatchObject({
      code: 'ERR_CLAIM_INVALID',
      claim: 'roles',
    });
  });
});

describe('okta preset (custom authorization server)', () => {
  const okta = () =>
    provider(
      'https://dev-123456.okta.com/oauth2/default',
      'api://default',
      'okta',
      { typ: false, requiredClaims: ['iss', 'aud', 'exp', 'iat', 'sub', 'jti', 'cid'] }, // docs/recipes/okta.md
      { typ: null },
    );

  it('maps a user token: scp array, groups, cid, uid', async () => {
    const authenticate = await okta();
    const p = await authenticate({
      ver: 1,
      jti: 'AT.u6Gc9Tq2mN0V4lBx7ZkYyQwErTp3S',
      cid: '0oa1b2c3d4EfGhIjK5d7',
      uid: '00u1a2b3c4DeFgHiJ5d7',
      sub: 'alice@example.com',
      scp: ['openid', 'orders:read'],
      groups: ['Everyone', 'support'],
      auth_time: 1_767_225_000,
    });
    expect(p).toMatchObject({ kind: 'user', clientId: '0oa1b2c3d4EfGhIjK5d7', subject: 'alice@example.com' });
    expect([...p.scopes]).toEqual(['openid', 'orders:read']);
    expect(allows(requireRoles(['support']), p)).toBe(true);
  });

  it('recognises a client-credentials token (sub === cid)', async () => {
    const authenticate = await okta();
    const p = await authenticate({ ver: 1, jti: 'AT.cc', cid: '0oaSvc', sub: '0oaSvc', scp: ['orders:fulfil'] });
    expect(p.kind).toBe('client');
  });
});

describe('keycloak preset', () => {
  const realm = 'https://kc.example.com/realms/acme';
  const keycloak = (extra: Partial<PortcullisOptions> = {}) =>
    provider(
      realm,
      'orders-api',
      'keycloak',
      { typ: 'JWT', requiredClaims: ['iss', 'aud', 'exp', 'iat', 'sub', 'jti'], ...extra },
      { typ: 'JWT' },
    );
  const userToken = {
    jti: 'onrtac:2b1f0c2e-5a55-4b3b-9d1f-0c9d8a7b6e5f',
    aud: ['orders-api', 'account'],
    sub: '3f6c9e2a-7d41-4b8e-a1c5-2e9f0b7d4c81',
    typ: 'Bearer',
    azp: 'orders-web',
    sid: '5e1c2d3f-4a5b-6c7d-8e9f-0a1b2c3d4e5f',
    acr: '1',
    'allowed-origins': ['https://orders.example.com'],
    realm_access: { roles: ['offline_access', 'uma_authorization', 'customer'] },
    resource_access: {
      'orders-api': { roles: ['support'] },
      'orders-web': { roles: ['admin'] },
      account: { roles: ['manage-account', 'view-profile'] },
    },
    scope: 'openid profile email',
    email_verified: true,
    preferred_username: 'alice',
  };

  it('maps realm roles plus the API client’s roles when claimsClientId is set', async () => {
    const authenticate = await keycloak({ claimsClientId: 'orders-api' });
    const p = await authenticate(userToken);
    expect(p).toMatchObject({ kind: 'user', clientId: 'orders-web' });
    expect(p.grantedRoles).toEqual(['offline_access', 'uma_authorization', 'customer', 'support']);
    expect(allows(requireRoles(['admin']), p)).toBe(false); // orders-web's client role does not count
  });

  it('refuses to start without claimsClientId: the calling client (azp) must not choose whose roles count', async () => {
    await expect(keycloak()).rejects.toThrow(/uses \{clientId\}: set this API's own client id/);
    // Realm roles only, as the error suggests: the other client's admin role still counts for nothing.
    const realmOnly = await provider(
      realm,
      'orders-api',
      { ...CLAIMS_PRESETS.keycloak, roles: ['realm_access.roles'] },
      { typ: 'JWT', requiredClaims: ['iss', 'aud', 'exp', 'iat', 'sub', 'jti'] },
      { typ: 'JWT' },
    );
    expect((await realmOnly(userToken)).grantedRoles).toEqual(['offline_access', 'uma_authorization', 'customer']);
  });

  it('recognises a service-account token, and not a user named like one', async () => {
    const authenticate = await keycloak({ claimsClientId: 'orders-api' });
    const svc = await authenticate({
      jti: 'sa-1',
      aud: 'orders-api',
      sub: '9a8b7c6d-5e4f-3a2b-1c0d-e9f8a7b6c5d4',
      typ: 'Bearer',
      azp: 'fulfilment-service',
      client_id: 'fulfilment-service',
      clientHost: '10.0.0.7',
      clientAddress: '10.0.0.7',
      preferred_username: 'service-account-fulfilment-service',
      scope: 'profile email orders:fulfil',
      realm_access: { roles: ['default-roles-acme'] },
    });
    expect(svc).toMatchObject({ kind: 'client', clientId: 'fulfilment-service' });
    const impostor = await authenticate({ ...userToken, jti: 'u2', preferred_username: 'service-account-orders-web' });
    expect(impostor.kind).toBe('user');
  });

  it('fails closed when realm_access is not an object', async () => {
    const authenticate = await keycloak({ claimsClientId: 'orders-api' });
    await expect(authenticate({ ...userToken, realm_access: ['admin'] })).rejects.toBeInstanceOf(PortcullisError);
  });
});

describe("cognito preset end to end (no aud: audienceClaim 'client_id')", () => {
  const pool = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123';
  const appClient = '1example23456789abcdefghij';
  /** A Cognito user-pool access token: header without `typ`, no `aud`, `client_id`, `token_use`. */
  const accessToken = {
    aud: undefined,
    sub: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
    'cognito:groups': ['support'],
    version: 2,
    client_id: appClient,
    origin_jti: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE22222',
    event_id: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE33333',
    token_use: 'access',
    scope: 'phone openid profile email orders-api/orders.read',
    auth_time: 1_767_225_000,
    jti: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE44444',
    username: 'alice',
  };
  const cognito = (extra: Partial<PortcullisOptions> = {}) =>
    provider(pool, appClient, 'cognito', { audienceClaim: 'client_id', typ: false, ...extra }, { typ: null });

  it('verifies a Cognito-shaped access token and maps scope, cognito:groups and client_id', async () => {
    const authenticate = await cognito();
    const p = await authenticate(accessToken);
    expect(p).toMatchObject({ kind: 'user', clientId: appClient, subject: accessToken.sub, issuer: pool });
    expect([...p.scopes]).toEqual(['phone', 'openid', 'profile', 'email', 'orders-api/orders.read']);
    expect(p.grantedRoles).toEqual(['support']);
    expect(p.claims['token_use']).toBe('access');
    expect(decide(requireScopes(['orders-api/orders.read']), { principal: p }).allowed).toBe(true);
    expect(allows(requireRoles(['support']), p)).toBe(true);
  });

  it('verifies a client-credentials token (no username, sub === client_id) as a client', async () => {
    const authenticate = await cognito({ audience: ['7svcexample0123456789abcde'] });
    const p = await authenticate({
      aud: undefined,
      sub: '7svcexample0123456789abcde',
      client_id: '7svcexample0123456789abcde',
      token_use: 'access',
      scope: 'orders-api/orders.fulfil',
      version: 2,
      jti: 'b2c3d4e5-EXAMPLE',
    });
    expect(p.kind).toBe('client');
  });

  it('refuses a Cognito token of another app client → ERR_CLAIM_INVALID on client_id', async () => {
    const authenticate = await cognito();
    await expect(authenticate({ ...accessToken, client_id: '9another0app0client0id000' })).rejects.toMatchObject({
      code: 'ERR_CLAIM_INVALID',
      claim: 'client_id',
      status: 401,
    });
  });

  it('refuses a Cognito ID token (aud = client id, no client_id claim)', async () => {
    const authenticate = await cognito();
    await expect(
      authenticate({ ...accessToken, aud: appClient, client_id: undefined, token_use: 'id' }),
    ).rejects.toMatchObject({ code: 'ERR_CLAIM_INVALID', claim: 'client_id' });
  });

  it("without audienceClaim (default 'aud') the same token is refused for its missing aud", async () => {
    const authenticate = await provider(pool, appClient, 'cognito', { typ: false }, { typ: null });
    await expect(authenticate(accessToken)).rejects.toMatchObject({ code: 'ERR_CLAIM_INVALID', claim: 'aud' });
  });
});

describe('cognito preset (mapper level)', () => {
  const pool = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123';
  const user = {
    sub: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
    'cognito:groups': ['support'],
    iss: pool,
    version: 2,
    client_id: '1example23456789abcdefghij',
    origin_jti: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE22222',
    event_id: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE33333',
    token_use: 'access',
    scope: 'phone openid profile email orders/read',
    auth_time: 1_767_225_000,
    exp: 1_767_228_600,
    iat: 1_767_225_000,
    jti: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE44444',
    username: 'alice',
    'custom:tenant_id': 'acme',
  };

  it('maps a user access token: scope, cognito:groups, client_id, username', () => {
    const p = createPrincipalMapper('cognito')(user);
    expect(p).toMatchObject({ kind: 'user', clientId: '1example23456789abcdefghij', tenant: undefined });
    expect([...p.scopes]).toEqual(['phone', 'openid', 'profile', 'email', 'orders/read']);
    expect(p.grantedRoles).toEqual(['support']);
  });

  it('maps a custom tenant claim when configured', () => {
    expect(createPrincipalMapper({ ...CLAIMS_PRESETS.cognito, tenant: 'custom:tenant_id' })(user).tenant).toBe('acme');
  });

  it('recognises a client-credentials token (no username, sub === client_id)', () => {
    const p = createPrincipalMapper('cognito')({
      sub: '7svcexample0123456789abcde',
      token_use: 'access',
      scope: 'orders/fulfil',
      auth_time: 1_767_225_000,
      iss: pool,
      exp: 1_767_228_600,
      iat: 1_767_225_000,
      version: 2,
      jti: 'b2c3d4e5-EXAMPLE',
      client_id: '7svcexample0123456789abcde',
    });
    expect(p.kind).toBe('client');
  });

  it('fails closed when cognito:groups is a string', () => {
    expect(() => createPrincipalMapper('cognito')({ ...user, 'cognito:groups': 'admin' })).toThrow(PortcullisError);
  });
});

describe('preset kind detection: each documented signal decides on its own', () => {
  const base = { iss: 'https://idp.example.test/', exp: 1_767_228_600, iat: 1_767_225_000 };

  it('auth0: gty "client-credentials" marks a client even when sub is not "<client>@clients"', () => {
    const p = createPrincipalMapper('auth0')({
      ...base,
      sub: 'svc-fulfil',
      azp: 'Xq7Lm2Np',
      gty: 'client-credentials',
    });
    expect(p.kind).toBe('client');
  });

  it('entra: idtyp "app" marks a client even when oid differs from sub; idtyp "user" a user', () => {
    const mapper = createPrincipalMapper('entra');
    expect(mapper({ ...base, sub: 'sub-1', oid: 'oid-2', azp: 'svc', idtyp: 'app' }).kind).toBe('client');
    expect(mapper({ ...base, sub: 'same', oid: 'same', azp: 'web', idtyp: 'user' }).kind).toBe('user');
  });

  it('keycloak: a service-account token without preferred_username is a client', () => {
    const p = createPrincipalMapper('keycloak', { clientId: 'orders-api' })({
      ...base,
      sub: '9a8b7c6d-5e4f-3a2b-1c0d-e9f8a7b6c5d4',
      azp: 'fulfilment-service',
      client_id: 'fulfilment-service',
      scope: 'orders:fulfil',
    });
    expect(p).toMatchObject({ kind: 'client', clientId: 'fulfilment-service' });
  });

  it('cognito: a token with a username is a user, even when sub equals client_id', () => {
    const p = createPrincipalMapper('cognito')({
      ...base,
      sub: 'app-client-1',
      client_id: 'app-client-1',
      username: 'alice',
    });
    expect(p.kind).toBe('user');
  });
});
