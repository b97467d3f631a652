import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { createTestIssuer } from '../src/index.js';
import type { TestIssuer } from '../src/index.js';

const get = (url: string, init: RequestInit = {}, timeoutMs = 2000): Promise<Response> =>
  fetch(url, { signal: AbortSignal.timeout(timeoutMs), ...init });

describe('issuer.jwksServer fault modes', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await createTestIssuer({ algorithms: ['ES256'] });
  });
  afterEach(() => issuer.jwksServer.mode('ok'));
  afterAll(() => issuer.close());

  it("'ok' serves the key set and counts /jwks requests only", async () => {
    const before = issuer.jwksServer.fetchCount;
    const res = await get(issuer.jwksUri!);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual(issuer.jwks);
    await (await get(issuer.discoveryUri!)).arrayBuffer();
    expect(issuer.jwksServer.fetchCount).toBe(before + 1);
    expect(issuer.jwksServer.currentMode).toBe('ok');
  });

  it('unknown paths are 404', async () => {
    expect((await get(`${issuer.issuer}/nope`)).status).toBe(404);
  });

  it("'down' drops the connection without an answer (and still counts the attempt)", async () => {
    issuer.jwksServer.mode('down');
    const before = issuer.jwksServer.fetchCount;
    await expect(get(issuer.jwksUri!)).rejects.toMatchObject({ name: 'TypeError', message: 'fetch failed' });
    expect(issuer.jwksServer.fetchCount).toBe(before + 1);
    await expect(get(issuer.discoveryUri!)).rejects.toMatchObject({ message: 'fetch failed' });
    issuer.jwksServer.mode('ok');
    expect((await get(issuer.jwksUri!)).status).toBe(200);
  });

  it("'slow' answers only after delayMs", async () => {
    issuer.jwksServer.mode('slow', { delayMs: 300 });
    await expect(get(issuer.jwksUri!, {}, 50)).rejects.toMatchObject({ name: 'TimeoutError' });
    const res = await get(issuer.jwksUri!, {}, 5000);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(issuer.jwks);
  });

  it("'slow' defaults to 10 s (a 1 s client timeout gives up first)", async () => {
    issuer.jwksServer.mode('slow');
    await expect(get(issuer.jwksUri!, {}, 1000)).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it("'garbage' is a 200 HTML page", async () => {
    issuer.jwksServer.mode('garbage');
    const res = await get(issuer.jwksUri!);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    await expect(res.clone().json()).rejects.toMatchObject({ name: 'SyntaxError' });
    expect(await res.text()).toContain('<html>');
  });

  it("'error' is a 500", async () => {
    issuer.jwksServer.mode('error');
    const res = await get(issuer.jwksUri!);
    expect(res.status).toBe(500);
    await res.arrayBuffer();
  });

  it("'huge' streams exactly `bytes` of key-set-like JSON without a Content-Length", async () => {
    issuer.jwksServer.mode('huge', { bytes: 100_000 });
    const res = await get(issuer.jwksUri!);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBeNull();
    const body = Buffer.from(await res.arrayBuffer());
    expect(body).toHaveLength(100_000);
    expect(body.subarray(0, 9).toString()).toBe('{"keys":[');
  });

  it("'huge' defaults to 2 MiB", async () => {
    issuer.jwksServer.mode('huge');
    const res = await get(issuer.jwksUri!, {}, 10_000);
    expect((await res.arrayBuffer()).byteLength).toBe(2 * 1024 * 1024);
  });

  it("'redirect' is a 302 to a URL that serves the real key set, so following it visibly works", async () => {
    issuer.jwksServer.mode('redirect');
    const res = await get(issuer.jwksUri!, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = res.headers.get('location')!;
    expect(location).not.toBe(issuer.jwksUri);
    expect(await (await get(location)).json()).toEqual(issuer.jwks);
    expect(await (await get(issuer.jwksUri!)).json()).toEqual(issuer.jwks); // fetch follows by default

    issuer.jwksServer.mode('redirect', { location: 'https://attacker.example.test/jwks' });
    expect((await get(issuer.jwksUri!, { redirect: 'manual' })).headers.get('location')).toBe(
      'https://attacker.example.test/jwks',
    );
  });

  it('jose (redirect: manual) refuses the redirect and the garbage; accepts ok', async () => {
    const token = await issuer.token();
    const verify = () =>
      jwtVerify(token, createRemoteJWKSet(new URL(issuer.jwksUri!), { timeoutDuration: 1000 }), {
        issuer: issuer.issuer,
        audience: issuer.audience,
      });
    issuer.jwksServer.mode('redirect');
    await expect(verify()).rejects.toBeDefined();
    issuer.jwksServer.mode('garbage');
    await expect(verify()).rejects.toBeDefined();
    issuer.jwksServer.mode('slow', { delayMs: 3000 });
    await expect(verify()).rejects.toMatchObject({ code: 'ERR_JWKS_TIMEOUT' });
    issuer.jwksServer.mode('ok');
    await expect(verify()).resolves.toBeDefined();
  });

  it('refuses bad modes and options', () => {
    expect(() => issuer.jwksServer.mode('offline' as never)).toThrow(TypeError);
    expect(() => issuer.jwksServer.mode('slow', { delayMs: -1 })).toThrow(TypeError);
    expect(() => issuer.jwksServer.mode('huge', { bytes: 1.5 })).toThrow(TypeError);
    expect(() => issuer.jwksServer.mode('slow', { delay: 100 } as never)).toThrow(/unknown option 'delay'/);
  });
});

describe('issuer.close()', () => {
  it('closes promptly with a slow request pending and keep-alive sockets open; safe to call twice', async () => {
    const issuer = await createTestIssuer({ algorithms: ['ES256'] });
    await (await fetch(issuer.jwksUri!, { signal: AbortSignal.timeout(2000) })).arrayBuffer(); // leaves a keep-alive socket
    issuer.jwksServer.mode('slow'); // 10 s
    const pending = fetch(issuer.jwksUri!, { signal: AbortSignal.timeout(15_000) });
    const pendingOutcome = pending.then(
      () => 'answered',
      () => 'failed',
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    await issuer.close();
    expect(await pendingOutcome).toBe('failed');
    await issuer.close();
    await expect(fetch(issuer.jwksUri!, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
  });

  it("closes mid-way through a 'huge' body", async () => {
    const issuer = await createTestIssuer({ algorithms: ['ES256'] });
    issuer.jwksServer.mode('huge', { bytes: 64 * 1024 * 1024 });
    const res = await fetch(issuer.jwksUri!, { signal: AbortSignal.timeout(5000) });
    const reader = res.body!.getReader();
    await reader.read();
    await issuer.close();
    await expect(
      (async () => {
        for (;;) if ((await reader.read()).done) return 'ended';
      })(),
    ).rejects.toBeDefined();
  });
});
