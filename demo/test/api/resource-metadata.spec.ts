import { describe, expect, it } from '@jest/globals';
import { asResourceMetadata, challengeParameter, resourceMetadataUrl } from '../../src/api/resource-metadata.js';

const METADATA_URL = 'https://api.portcullis.test/.well-known/oauth-protected-resource/orders';

describe('challengeParameter', () => {
  it('reads a quoted parameter, wherever it stands in the challenge', () => {
    expect(challengeParameter(`Bearer realm="orders", resource_metadata="${METADATA_URL}"`, 'resource_metadata')).toBe(
      METADATA_URL,
    );
    expect(
      challengeParameter(
        `Bearer realm="orders", error="insufficient_scope", error_description="The access token lacks a required scope", scope="orders:write", resource_metadata="${METADATA_URL}"`,
        'resource_metadata',
      ),
    ).toBe(METADATA_URL);
    expect(challengeParameter(`Bearer resource_metadata="${METADATA_URL}", realm="orders"`, 'resource_metadata')).toBe(
      METADATA_URL,
    );
  });

  it('reads token values, unescapes quoted pairs and matches names case-insensitively', () => {
    expect(challengeParameter('Bearer realm=orders, error=invalid_token', 'error')).toBe('invalid_token');
    expect(challengeParameter('Bearer realm="say \\"hi\\""', 'realm')).toBe('say "hi"');
    expect(challengeParameter('Bearer Realm="orders"', 'realm')).toBe('orders');
  });

  it('does not take a name=value inside another quoted value for a parameter', () => {
    const challenge = 'Bearer realm="orders", error_description="see resource_metadata=\\"https://evil.test/x\\""';
    expect(challengeParameter(challenge, 'resource_metadata')).toBeUndefined();
    expect(challengeParameter(challenge, 'error_description')).toBe('see resource_metadata="https://evil.test/x"');
  });

  it('is undefined without the header or without the parameter', () => {
    expect(challengeParameter(null, 'resource_metadata')).toBeUndefined();
    expect(challengeParameter('Bearer realm="orders"', 'resource_metadata')).toBeUndefined();
    // The auth-scheme is not a parameter.
    expect(challengeParameter('Bearer', 'Bearer')).toBeUndefined();
  });
});

describe('resourceMetadataUrl', () => {
  it('inserts the well-known path between the host and the path of the resource (RFC 9728 §3.1)', () => {
    expect(resourceMetadataUrl('https://api.portcullis.test/orders')).toBe(METADATA_URL);
    expect(resourceMetadataUrl('https://api.portcullis.test')).toBe(
      'https://api.portcullis.test/.well-known/oauth-protected-resource',
    );
    expect(resourceMetadataUrl('https://api.portcullis.test:8443/v1/orders')).toBe(
      'https://api.portcullis.test:8443/.well-known/oauth-protected-resource/v1/orders',
    );
  });
});

describe('asResourceMetadata', () => {
  it('accepts a document with a resource and a list of authorization servers', () => {
    const body = { resource: 'https://api.portcullis.test/orders', authorization_servers: ['http://127.0.0.1:4000'] };
    expect(asResourceMetadata(body)).toBe(body);
  });

  it.each([
    ['no resource', { authorization_servers: ['http://127.0.0.1:4000'] }],
    ['no authorization_servers', { resource: 'https://api.portcullis.test/orders' }],
    [
      'a server that is not a string',
      { resource: 'https://api.portcullis.test/orders', authorization_servers: [4000] },
    ],
    ['an order page', { data: [], nextCursor: null }],
    ['text', 'not json'],
    ['nothing', undefined],
  ])('rejects %s', (_what, body) => {
    expect(asResourceMetadata(body)).toBeUndefined();
  });
});
