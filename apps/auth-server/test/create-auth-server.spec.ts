import { describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEV_CLIENT_SECRETS, ORDERS_API_RESOURCE, type AuthServerConfig } from '../src/config.js';
import { createAuthServer } from '../src/create-auth-server.js';
import { startAuthServer } from './support/start-auth-server.js';

const base = (keysFile: string): AuthServerConfig => ({
  port: 0,
  host: '127.0.0.1',
  issuer: undefined,
  ordersApiResource: ORDERS_API_RESOURCE,
  accessTokenFormat: 'jwt',
  keysFile,
  cookieKeys: ['k'],
  clientSecrets: { ...DEV_CLIENT_SECRETS },
});

describe('createAuthServer', () => {
  it('validates the port and cookie keys at creation', () => {
    expect(() => createAuthServer({ ...base('x'), port: 70000 })).toThrow(TypeError);
    expect(() => createAuthServer({ ...base('x'), cookieKeys: [] })).toThrow(/cookieKeys/);
  });

  it('has no url or issuer before listening, and close() before listen() is a no-op', async () => {
    const server = createAuthServer(base('x'));
    expect(() => server.url).toThrow(/not listening/);
    expect(() => server.issuer).toThrow(/not listening/);
    await expect(server.close()).resolves.toBeUndefined();
  });

  it('uses the configured issuer when given, and the listen URL otherwise', async () => {
    const as = await startAuthServer({ issuer: 'https://auth.example.test' });
    try {
      expect(as.server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(as.server.issuer).toBe('https://auth.example.test');
      const meta = (await (await fetch(`${as.server.url}/.well-known/openid-configuration`)).json()) as {
        issuer: string;
      };
      expect(meta.issuer).toBe('https://auth.example.test');
    } finally {
      await as.stop();
    }
  });

  it('rejects listen() on a port in use, and stops serving after close()', async () => {
    const first = await startAuthServer();
    const dir = await mkdtemp(join(tmpdir(), 'portcullis-auth-server-'));
    try {
      const port = Number(new URL(first.server.url).port);
      const second = createAuthServer({ ...base(join(dir, 'jwks.json')), port });
      await expect(second.listen()).rejects.toMatchObject({ code: 'EADDRINUSE' });
      await expect(second.close()).resolves.toBeUndefined();
    } finally {
      await first.stop();
      await rm(dir, { recursive: true, force: true });
    }
    await expect(fetch(`${first.server.url}/jwks`)).rejects.toThrow();
  });
});
