import { describe, expect, it } from '@jest/globals';
import { PortcullisError } from '../../src/errors/portcullis-error.js';
import { buildChallenge } from '../../src/errors/to-http-response.js';
import {
  createProtectedResourceMetadata,
  type ProtectedResourceMetadataOptions,
} from '../../src/metadata/create-protected-resource-metadata.js';

const RESOURCE = 'https://api.example.test/orders';

describe('createProtectedResourceMetadata', () => {
  it('serves the SPEC fixture at the path-inserted well-known URL (RFC 9728 §3.1, SPEC §0.2)', () => {
    const metadata = createProtectedResourceMetadata({ resource: RESOURCE });
    expect(metadata.path).toBe('/.well-known/oauth-protected-resource/orders');
    expect(metadata.url).toBe('https://api.example.test/.well-known/oauth-protected-resource/orders');
    expect(metadata.resource).toBe(RESOURCE);
    // Only the required parameter and the honest default of a header-only API.
    expect(metadata.document).toEqual({ resource: RESOURCE, bearer_methods_supported: ['header'] });
    expect(JSON.parse(metadata.body)).toEqual(metadata.document);
    expect(metadata.headers).toEqual({
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(metadata.body, 'utf8')),
      'cache-control': 'public, max-age=3600',
      'access-control-allow-origin': '*',
      'x-content-type-options': 'nosniff',
    });
  });

  it.each([
    ['https://api.example.test', '/.well-known/oauth-protected-resource'],
    ['https://api.example.test/', '/.well-known/oauth-protected-resource'],
    ['https://api.example.test:8443/v1/orders', '/.well-known/oauth-protected-resource/v1/orders'],
    ['https://api.example.test/app/', '/.well-known/oauth-protected-resource/app/'],
    ['http://127.0.0.1:3000/orders', '/.well-known/oauth-protected-resource/orders'],
    ['http://localhost:3000', '/.well-known/oauth-protected-resource'],
    ['http://[::1]:3000/mcp', '/.well-known/oauth-protected-resource/mcp'],
  ])('inserts the well-known suffix between the host and the path of %s', (resource, path) => {
    const metadata = createProtectedResourceMetadata({ resource });
    expect(metadata.path).toBe(path);
    expect(metadata.url).toBe(new URL(resource).origin + path);
    // The document repeats the identifier byte for byte, never a normalised spelling (RFC 9728 §3.3).
    expect(metadata.document.resource).toBe(resource);
  });

  it('writes every configured parameter under its RFC 9728 name, and omits empty lists (§3.2)', () => {
    const metadata = createProtectedResourceMetadata({
      resource: RESOURCE,
      authorizationServers: ['https://as.example.test', 'http://127.0.0.1:4000'],
      scopesSupported: ['orders:read', 'orders:write'],
      bearerMethodsSupported: ['header', 'body'],
      resourceName: 'Orders API',
      resourceDocumentation: 'https://docs.example.test/orders',
      resourcePolicyUri: 'https://example.test/privacy',
      resourceTosUri: 'https://example.test/terms',
      additionalParameters: { authorization_details_types_supported: ['order_approval'], resource_signing_alg_values_supported: [] },
      maxAgeSeconds: 60,
    });
    expect(metadata.document).toEqual({
      resource: RESOURCE,
      authorization_servers: ['https://as.example.test', 'http://127.0.0.1:4000'],
      scopes_supported: ['orders:read', 'orders:write'],
      bearer_methods_supported: ['header', 'body'],
      resource_name: 'Orders API',
      resource_documentation: 'https://docs.example.test/orders',
      resource_policy_uri: 'https://example.test/privacy',
      resource_tos_uri: 'https://example.test/terms',
      authorization_details_types_supported: ['order_approval'],
    });
    expect(metadata.headers['cache-control']).toBe('public, max-age=60');
    // content-length counts bytes, not characters.
    const named = createProtectedResourceMetadata({ resource: RESOURCE, resourceName: 'Orders — API' });
    expect(named.headers['content-length']).toBe(String(named.body.length + 2));
    expect(createProtectedResourceMetadata({ resource: RESOURCE, scopesSupported: [] }).document).not.toHaveProperty('scopes_supported');
    // "The empty array [] can be used to indicate that no bearer methods are supported" (§2): kept.
    expect(createProtectedResourceMetadata({ resource: RESOURCE, bearerMethodsSupported: [] }).document.bearer_methods_supported).toEqual([]);
    // Issuers are echoed as tokens carry them in `iss`, not respelled.
    expect(createProtectedResourceMetadata({ resource: RESOURCE, authorizationServers: ['https://AS.example.test/tenant/'] }).document.authorization_servers).toEqual(['https://AS.example.test/tenant/']);
    expect(createProtectedResourceMetadata({ resource: RESOURCE, maxAgeSeconds: 0 }).headers['cache-control']).toBe('no-cache');
  });

  it('is frozen and does not follow later changes of the caller’s arrays and objects', () => {
    const scopes = ['orders:read'];
    const extra = { example_parameter: { nested: ['a'] } };
    const metadata = createProtectedResourceMetadata({ resource: RESOURCE, scopesSupported: scopes, additionalParameters: extra });
    scopes.push('orders:admin');
    extra.example_parameter.nested.push('b');
    expect(metadata.document.scopes_supported).toEqual(['orders:read']);
    expect(metadata.document['example_parameter']).toEqual({ nested: ['a'] });
    expect(Object.isFrozen(metadata)).toBe(true);
    expect(Object.isFrozen(metadata.document)).toBe(true);
    expect(Object.isFrozen(metadata.document.scopes_supported)).toBe(true);
    expect(Object.isFrozen(metadata.headers)).toBe(true);
    expect(() => (metadata.document.bearer_methods_supported as string[]).push('query')).toThrow(TypeError);
  });

  it('gives the URL that 401 challenges advertise as resource_metadata (§5.1)', () => {
    const metadata = createProtectedResourceMetadata({ resource: RESOURCE });
    expect(buildChallenge(new PortcullisError('ERR_MISSING_TOKEN'), { realm: 'orders', resourceMetadata: metadata.url })).toBe(
      'Bearer realm="orders", resource_metadata="https://api.example.test/.well-known/oauth-protected-resource/orders"',
    );
  });

  const refused: [string, unknown, RegExp][] = [
    ['no options', undefined, /options must be an object/],
    ['a missing resource', {}, /'resource' must be an absolute https URL/],
    ['a relative resource', { resource: '/orders' }, /'resource' must be an absolute https URL/],
    ['plain http on a public host', { resource: 'http://api.example.test/orders' }, /must use https:/],
    ['plain http on a private address', { resource: 'http://10.0.0.1/orders' }, /must use https:/],
    ['another scheme', { resource: 'urn:example:orders' }, /must use https:/],
    ['credentials', { resource: 'https://user:pass@api.example.test/orders' }, /must not contain credentials/],
    ['a fragment', { resource: 'https://api.example.test/orders#x' }, /must not have a fragment/],
    ['an empty fragment', { resource: 'https://api.example.test/orders#' }, /must not have a fragment/],
    ['a query', { resource: 'https://api.example.test/orders?tenant=t1' }, /must not have a query/],
    ['an empty query', { resource: 'https://api.example.test/orders?' }, /must not have a query/],
    ['an upper-case host', { resource: 'https://API.example.test/orders' }, /canonical form \('https:\/\/api\.example\.test\/orders'\)/],
    ['the default port', { resource: 'https://api.example.test:443/orders' }, /canonical form \('https:\/\/api\.example\.test\/orders'\)/],
    ['a raw space', { resource: 'https://api.example.test/my orders' }, /must not contain spaces or control characters/],
    ['an issuer with a leading space', { resource: RESOURCE, authorizationServers: [' https://as.example.test'] }, /must not contain spaces/],
    ['a tab in an issuer', { resource: RESOURCE, authorizationServers: ['https://as.example.test/a\tb'] }, /control characters/],
    ['a non-ASCII path', { resource: 'https://api.example.test/café' }, /canonical form \('https:\/\/api\.example\.test\/caf%C3%A9'\)/],
    ['a dot segment', { resource: 'https://api.example.test/a/../orders' }, /canonical form/],
    ['an unknown option (a typo must not drop a parameter)', { resource: RESOURCE, scopes: ['orders:read'] }, /unknown option 'scopes'/],
    ['authorizationServers not an array', { resource: RESOURCE, authorizationServers: 'https://as.example.test' }, /'authorizationServers' must be an array/],
    ['an http issuer', { resource: RESOURCE, authorizationServers: ['http://as.example.test'] }, /'authorizationServers' must use https:/],
    ['an issuer with a query', { resource: RESOURCE, authorizationServers: ['https://as.example.test?x=1'] }, /must not have a query/],
    ['an issuer listed twice', { resource: RESOURCE, authorizationServers: ['https://as.example.test', 'https://as.example.test'] }, /lists a value twice/],
    ['a scope with a space', { resource: RESOURCE, scopesSupported: ['orders:read orders:write'] }, /not a scope token/],
    ['a scope with a quote', { resource: RESOURCE, scopesSupported: ['orders"'] }, /not a scope token/],
    ['a non-string scope', { resource: RESOURCE, scopesSupported: [1] }, /must hold strings/],
    ['a cookie bearer method', { resource: RESOURCE, bearerMethodsSupported: ['cookie'] }, /only 'header', 'body' or 'query'/],
    ['an empty resource name', { resource: RESOURCE, resourceName: ' ' }, /'resourceName' must be a non-empty string/],
    ['a control character in the name', { resource: RESOURCE, resourceName: 'Orders\nAPI' }, /without control characters/],
    ['a javascript: documentation link', { resource: RESOURCE, resourceDocumentation: 'javascript:alert(1)' }, /'resourceDocumentation' must use https:/],
    ['a typed parameter in additionalParameters', { resource: RESOURCE, additionalParameters: { scopes_supported: ['a'] } }, /with the 'scopesSupported' option/],
    ['the resource in additionalParameters', { resource: RESOURCE, additionalParameters: { resource: 'https://evil.test' } }, /with the 'resource' option/],
    ['a DPoP promise', { resource: RESOURCE, additionalParameters: { dpop_bound_access_tokens_required: true } }, /does not verify DPoP or mTLS-bound tokens/],
    ['DPoP algorithms', { resource: RESOURCE, additionalParameters: { dpop_signing_alg_values_supported: ['ES256'] } }, /does not verify DPoP/],
    ['an mTLS promise', { resource: RESOURCE, additionalParameters: { tls_client_certificate_bound_access_tokens: true } }, /mTLS-bound/],
    ['signed metadata', { resource: RESOURCE, additionalParameters: { signed_metadata: 'eyJ…' } }, /'signed_metadata' is not supported/],
    ['a function value', { resource: RESOURCE, additionalParameters: { x: () => 1 } }, /'additionalParameters.x' must be a JSON value/],
    ['a NaN', { resource: RESOURCE, additionalParameters: { x: [Number.NaN] } }, /must be a JSON value/],
    ['a Date', { resource: RESOURCE, additionalParameters: { x: new Date(0) } }, /must be a JSON value/],
    ['a negative max age', { resource: RESOURCE, maxAgeSeconds: -1 }, /'maxAgeSeconds' must be a whole number/],
    ['a fractional max age', { resource: RESOURCE, maxAgeSeconds: 1.5 }, /'maxAgeSeconds' must be a whole number/],
    ['a max age as a string', { resource: RESOURCE, maxAgeSeconds: '60' }, /'maxAgeSeconds' must be a whole number/],
  ];
  it.each(refused)('refuses %s with a TypeError that names it', (_name, options, message) => {
    expect(() => createProtectedResourceMetadata(options as ProtectedResourceMetadataOptions)).toThrow(TypeError);
    expect(() => createProtectedResourceMetadata(options as ProtectedResourceMetadataOptions)).toThrow(message);
  });
});
