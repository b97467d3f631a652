import { describe, expect, it } from '@jest/globals';
import { assertProtectedResourceMetadata } from '../../src/metadata/assert-protected-resource-metadata.js';
import { createProtectedResourceMetadata } from '../../src/metadata/create-protected-resource-metadata.js';

const metadata = createProtectedResourceMetadata({
  resource: 'https://api.example.test/orders',
  authorizationServers: ['https://as.example.test'],
  resourceName: 'Orders — API', // not ASCII: content-length counts bytes
});

/** The metadata with some fields replaced (a hand-made value, not what core builds). */
const altered = (fields: Record<string, unknown>): unknown => ({ ...metadata, ...fields });

describe('assertProtectedResourceMetadata', () => {
  it('accepts what createProtectedResourceMetadata builds, for any resource path, and a spread copy of it', () => {
    for (const resource of ['https://api.example.test', 'https://api.example.test/app/', 'http://127.0.0.1:3000/v1/orders']) {
      expect(() => assertProtectedResourceMetadata(createProtectedResourceMetadata({ resource }), 'serve')).not.toThrow();
    }
    expect(() => assertProtectedResourceMetadata({ ...metadata }, 'serve')).not.toThrow();
  });

  it.each([
    ['a string (the URL instead of the object)', metadata.url, /the metadata must be an object/],
    ['null', null, /the metadata must be an object/],
    ['an array', [], /the metadata must be an object/],
    ['the options instead of the result', { resource: 'https://api.example.test/orders' }, /'path' must be/],
    ['no resource', altered({ resource: '' }), /'resource' must be a non-empty string/],
    ['a path outside the well-known prefix', altered({ path: '/metadata' }), /'path' must be '\/.well-known\/oauth-protected-resource' or start with/],
    ['a path that only starts like it', altered({ path: '/.well-known/oauth-protected-resourceX' }), /'path' must be/],
    ['a relative path', altered({ path: '.well-known/oauth-protected-resource/orders' }), /'path' must be/],
    ['a path with a query', altered({ path: '/.well-known/oauth-protected-resource/orders?x=1' }), /must not contain '\?'/],
    ['a url of another path', altered({ url: 'https://api.example.test/.well-known/oauth-protected-resource/other' }), /'url' must be the absolute URL of 'path'/],
    ['a relative url', altered({ url: metadata.path }), /'url' must be/],
    ['no document', altered({ document: undefined }), /'document' must be an object/],
    ['a document of another resource', altered({ document: { resource: 'https://evil.test' } }), /'document' must be an object whose 'resource' equals/],
    ['a body that is not a string', altered({ body: { resource: 'x' } }), /'body' must be the serialised document/],
    ['an empty body', altered({ body: '' }), /'body' must be/],
    ['no headers', altered({ headers: undefined }), /'headers' must be an object/],
    ['headers as an array', altered({ headers: [] }), /'headers' must be an object/],
    ['a header value that is not a string', altered({ headers: { ...metadata.headers, 'cache-control': 60 } }), /'headers.cache-control' must be a valid header/],
    ['a header value with CRLF', altered({ headers: { ...metadata.headers, 'content-type': 'application/json\r\nset-cookie: a=b' } }), /'headers.content-type' must be a valid header/],
    ['an invalid header name', altered({ headers: { ...metadata.headers, 'bad name': 'x' } }), /'headers.bad name' must be a valid header/],
    ['headers without content-type', altered({ headers: { 'content-length': metadata.headers['content-length'] } }), /'headers' must set 'content-type'/],
    ['headers without content-length', altered({ headers: { 'content-type': 'application/json' } }), /'content-length' to the UTF-8 length of 'body'/],
    ['a content-length in characters, not bytes', altered({ headers: { ...metadata.headers, 'content-length': String(metadata.body.length) } }), /'content-length'/],
    ['a body changed after the length was computed', altered({ body: `${metadata.body} ` }), /'content-length'/],
  ])('refuses %s with a TypeError that starts with the caller and names the field', (_name, value, message) => {
    const check = () => assertProtectedResourceMetadata(value, 'serveMetadata');
    expect(check).toThrow(TypeError);
    expect(check).toThrow(message);
    expect(check).toThrow(/^serveMetadata: .*; pass the object createProtectedResourceMetadata\(\{ resource, … \}\) returns$/);
  });
});
