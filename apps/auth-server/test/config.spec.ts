import { describe, expect, it } from '@jest/globals';
import { isAbsolute, join } from 'node:path';
import {
  DEFAULT_KEYS_FILE,
  DEV_CLIENT_SECRETS,
  defaultIssuer,
  loadConfig,
  ORDERS_API_RESOURCE,
} from '../src/config.js';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 4000,
      host: '127.0.0.1',
      issuer: 'http://127.0.0.1:4000',
      ordersApiResource: 'https://api.portcullis.test/orders',
      accessTokenFormat: 'jwt',
      keysFile: DEFAULT_KEYS_FILE,
      clientSecrets: DEV_CLIENT_SECRETS,
    });
    expect(ORDERS_API_RESOURCE).toBe('https://api.portcullis.test/orders');
    expect(DEFAULT_KEYS_FILE.endsWith(join('apps', 'auth-server', '.data', 'jwks.json'))).toBe(true);
    expect(config.cookieKeys).toHaveLength(1);
    expect(config.cookieKeys[0]!.length).toBeGreaterThanOrEqual(43);
  });

  it('draws new random cookie keys on every load unless COOKIE_KEYS is set', () => {
    expect(loadConfig({}).cookieKeys).not.toEqual(loadConfig({}).cookieKeys);
    expect(loadConfig({ COOKIE_KEYS: 'k1, k2' }).cookieKeys).toEqual(['k1', 'k2']);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '4100',
      HOST: '0.0.0.0',
      ISSUER: 'https://auth.example.test',
      ORDERS_API_AUDIENCE: 'https://orders.example.test',
      ACCESS_TOKEN_FORMAT: 'opaque',
      KEYS_FILE: 'rel/keys.json',
      ORDERS_BACKOFFICE_CLIENT_SECRET: 'b',
      FULFILMENT_SERVICE_CLIENT_SECRET: 'f',
    });
    expect(config).toMatchObject({
      port: 4100,
      host: '0.0.0.0',
      issuer: 'https://auth.example.test',
      ordersApiResource: 'https://orders.example.test',
      accessTokenFormat: 'opaque',
      clientSecrets: { ordersBackoffice: 'b', fulfilmentService: 'f' },
    });
    expect(isAbsolute(config.keysFile)).toBe(true);
    expect(config.keysFile.endsWith(join('rel', 'keys.json'))).toBe(true);
  });

  it('derives the issuer from the port, on loopback for wildcard hosts, and leaves it open for port 0', () => {
    expect(loadConfig({ PORT: '4100' }).issuer).toBe('http://127.0.0.1:4100');
    expect(loadConfig({ PORT: '4100', HOST: '0.0.0.0' }).issuer).toBe('http://127.0.0.1:4100');
    expect(loadConfig({ PORT: '0' }).issuer).toBeUndefined();
    expect(defaultIssuer('::1', 4000)).toBe('http://[::1]:4000');
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ PORT: '-1' }, /PORT/],
    [{ ISSUER: 'not a url' }, /ISSUER/],
    [{ ISSUER: 'http://127.0.0.1:4000/#x' }, /ISSUER/],
    [{ ORDERS_API_AUDIENCE: 'orders' }, /ORDERS_API_AUDIENCE/],
    [{ ACCESS_TOKEN_FORMAT: 'paseto' }, /ACCESS_TOKEN_FORMAT/],
  ])('refuses %j with a TypeError naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(TypeError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  const strong = (c: string) => c.repeat(32);
  const ISSUER = 'https://id.example.com';

  it.each<[string, { ISSUER?: string }]>([
    ['unset (the http://127.0.0.1 default)', {}],
    ['http://', { ISSUER: 'http://id.example.com' }],
  ])('refuses an ISSUER %s when NODE_ENV=production', (_name, issuer) => {
    const env = {
      NODE_ENV: 'production',
      COOKIE_KEYS: strong('k'),
      ORDERS_BACKOFFICE_CLIENT_SECRET: strong('b'),
      FULFILMENT_SERVICE_CLIENT_SECRET: strong('f'),
      ...issuer,
    };
    expect(() => loadConfig(env)).toThrow('ISSUER must be set to an https:// URL when NODE_ENV=production');
    expect(loadConfig({ ...env, ISSUER }).issuer).toBe(ISSUER);
    expect(loadConfig({ ...env, NODE_ENV: 'development' }).issuer).toBe(issuer.ISSUER ?? 'http://127.0.0.1:4000');
  });

  it('refuses the DEV ONLY secrets and random cookie keys when NODE_ENV=production', () => {
    const secrets = { ORDERS_BACKOFFICE_CLIENT_SECRET: strong('b'), FULFILMENT_SERVICE_CLIENT_SECRET: strong('f') };
    const cookieKeys = strong('k');
    expect(() => loadConfig({ NODE_ENV: 'production', ...secrets })).toThrow(/COOKIE_KEYS/);
    expect(() => loadConfig({ NODE_ENV: 'production', COOKIE_KEYS: cookieKeys })).toThrow(/CLIENT_SECRET/);
    expect(() =>
      loadConfig({ NODE_ENV: 'production', COOKIE_KEYS: cookieKeys, ORDERS_BACKOFFICE_CLIENT_SECRET: strong('b') }),
    ).toThrow(/CLIENT_SECRET/);
    // toEqual would accept `shortLivedService: undefined`; the key itself must be absent.
    const production = loadConfig({
      NODE_ENV: 'production',
      ISSUER,
      COOKIE_KEYS: cookieKeys,
      ...secrets,
    }).clientSecrets;
    expect(Object.entries(production)).toEqual([
      ['ordersBackoffice', strong('b')],
      ['fulfilmentService', strong('f')],
    ]);
  });

  it.each([
    ['a short client secret', { ORDERS_BACKOFFICE_CLIENT_SECRET: 'b' }, /ORDERS_BACKOFFICE_CLIENT_SECRET/],
    ['another short client secret', { FULFILMENT_SERVICE_CLIENT_SECRET: 'secret' }, /FULFILMENT_SERVICE_CLIENT_SECRET/],
    ['a short cookie key', { COOKIE_KEYS: 'k' }, /COOKIE_KEYS/],
    ['one short cookie key among strong ones', { COOKIE_KEYS: `${'k'.repeat(32)},short` }, /COOKIE_KEYS/],
  ])('refuses %s when NODE_ENV=production, without echoing it', (_name, weak, message) => {
    const env = {
      NODE_ENV: 'production',
      COOKIE_KEYS: strong('k'),
      ORDERS_BACKOFFICE_CLIENT_SECRET: strong('b'),
      FULFILMENT_SERVICE_CLIENT_SECRET: strong('f'),
      ...weak,
    };
    expect(() => loadConfig(env)).toThrow(TypeError);
    expect(() => loadConfig(env)).toThrow(message);
    expect(() => loadConfig(env)).not.toThrow(/: (b|secret|k|short)\b/);
  });

  it('turns the sign-in of the DEV ONLY users (public password) off when NODE_ENV=production', () => {
    expect(loadConfig({}).devUserSignIn).toBe(true);
    expect(loadConfig({ NODE_ENV: 'development' }).devUserSignIn).toBe(true);
    const production = loadConfig({
      NODE_ENV: 'production',
      ISSUER,
      COOKIE_KEYS: strong('k'),
      ORDERS_BACKOFFICE_CLIENT_SECRET: strong('b'),
      FULFILMENT_SERVICE_CLIENT_SECRET: strong('f'),
    });
    expect(production.devUserSignIn).toBe(false);
  });

  it('registers the DEV ONLY short-lived-service client outside production only', () => {
    expect(loadConfig({}).clientSecrets.shortLivedService).toBe(DEV_CLIENT_SECRETS.shortLivedService);
    expect(loadConfig({ NODE_ENV: 'development' }).clientSecrets.shortLivedService).toBe(
      'dev-only-short-lived-service-secret',
    );
  });
});
