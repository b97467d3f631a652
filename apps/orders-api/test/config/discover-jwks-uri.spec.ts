import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDeferredDiscoveryFetch, resolveKeySource } from '../../src/auth/resolve-key-source.js';
import { ConfigError } from '../../src/config/config-error.js';
import { DiscoveryError, discoverJwksUri } from '../../src/config/discover-jwks-uri.js';

/** A metadata server on 127.0.0.1 whose answer each test sets. */
let server: Server;
let base: string;
let answer: { status: number; body: string } = { status: 200, body: '{}' };
let hits = 0;

beforeAll(async () => {
  server = createServer((_req, res) => {
    hits += 1;
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const metadata = (fields: Record<string, unknown>) => ({ status: 200, body: JSON.stringify(fields) });
const auth = () => ({ issuer: base, audience: 'https://api.example.test/orders', jwksUri: undefined, discoveryTimeoutMs: 1000 });

describe('discoverJwksUri', () => {
  it('reads jwks_uri from the issuer metadata', async () => {
    answer = metadata({ issuer: base, jwks_uri: `${base}/jwks` });
    await expect(discoverJwksUri({ issuer: base })).resolves.toBe(`${base}/jwks`);
  });

  it.each([
    ['another issuer', { issuer: 'https://evil.example', jwks_uri: 'https://evil.example/jwks' }, 'names a different issuer'],
    ['no jwks_uri', {}, 'has no "jwks_uri"'],
    ['an http jwks_uri on a public host', { jwks_uri: 'http://id.example.com/jwks' }, 'must be an https:// URL'],
  ])('refuses metadata with %s as invalid', async (_label, fields, message) => {
    answer = metadata({ issuer: base, ...fields });
    const error = await discoverJwksUri({ issuer: base }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscoveryError);
    expect((error as DiscoveryError).kind).toBe('invalid');
    expect((error as Error).message).toContain(message);
  });

  it('reports an unreachable or failing issuer as unavailable', async () => {
    answer = { status: 500, body: 'oops' };
    await expect(discoverJwksUri({ issuer: base })).rejects.toMatchObject({ kind: 'unavailable', message: expect.stringContaining('HTTP 500') });
    answer = { status: 200, body: '<html>' };
    await expect(discoverJwksUri({ issuer: base })).rejects.toMatchObject({ kind: 'unavailable' });
  });
});

describe('resolveKeySource', () => {
  it('prefers AUTH_JWKS_URI without any request', async () => {
    const before = hits;
    await expect(resolveKeySource({ ...auth(), jwksUri: 'https://id.example.com/jwks' })).resolves.toEqual({
      jwksUri: 'https://id.example.com/jwks',
      mode: 'configured',
    });
    expect(hits).toBe(before);
  });

  it('discovers at start-up when the issuer answers', async () => {
    answer = metadata({ issuer: base, jwks_uri: `${base}/keys` });
    await expect(resolveKeySource(auth())).resolves.toEqual({ jwksUri: `${base}/keys`, mode: 'discovered' });
  });

  it('stops start-up when the metadata names another issuer', async () => {
    answer = metadata({ issuer: 'https://other.example', jwks_uri: `${base}/keys` });
    await expect(resolveKeySource(auth())).rejects.toBeInstanceOf(ConfigError);
  });

  it('defers discovery when the issuer is down, and retries it on each key-set fetch until it works', async () => {
    answer = { status: 503, body: '' };
    const source = await resolveKeySource(auth());
    expect(source).toMatchObject({ mode: 'deferred', jwksUri: `${base}/.well-known/openid-configuration` });
    expect(source.warning).toContain('HTTP 503');
    await expect(source.fetch!(source.jwksUri)).rejects.toBeInstanceOf(DiscoveryError);
    answer = metadata({ issuer: base, jwks_uri: `${base}/jwks` });
    const res = await source.fetch!(source.jwksUri);
    expect(await res.json()).toEqual({ issuer: base, jwks_uri: `${base}/jwks` }); // the test server answers the same body
  });

  it('passes other URLs straight through', async () => {
    const seen: string[] = [];
    const deferred = createDeferredDiscoveryFetch(auth(), 'https://placeholder.example/x', async (input) => {
      seen.push(String(input));
      return new Response('{}');
    });
    await deferred('https://elsewhere.example/y');
    expect(seen).toEqual(['https://elsewhere.example/y']);
  });
});
