/**
 * The key server of the fault-injection suite, run as its own process
 * (`process.execPath faults/key-server-process.ts`, Node's type stripping; package imports only).
 *
 * It holds a @portcullis/testing issuer (keys, token factory) and serves its public key set at
 * `GET /jwks` on 127.0.0.1 — with faults: stopped (connection refused), hanging, slow, garbage,
 * HTTP 500, a 50 MB body, a redirect, and hostile key-set variants (1024-bit RSA, `use: enc`,
 * `oct`, private members, duplicate kids, three ES256 keys). A second listener, the control
 * endpoint, switches the faults and mints tokens; it keeps answering while the key server is
 * "down". Signals: SIGSTOP/SIGCONT freeze the whole process (a hang at the TCP level).
 *
 * On start it prints one JSON line: `{ "issuer", "audience", "jwksUrl", "controlUrl" }`.
 */
import { createHmac, generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestIssuer } from '@portcullis/testing';

type Mode = 'ok' | 'hang' | 'slow' | 'garbage' | 'error' | 'huge' | 'redirect';
type KeySetVariant = 'normal' | 'weak-rsa' | 'enc-use' | 'oct' | 'private' | 'dup-kid' | 'three-es256';

interface CustomKey {
  readonly kid: string;
  readonly alg: 'ES256' | 'RS256';
  readonly privateKey: KeyObject;
  readonly publicJwk: Record<string, unknown>;
}

const AUDIENCE = process.env['KEY_SERVER_AUDIENCE'] ?? 'https://api.example.test/orders';

function b64u(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

function ecKey(kid: string, extra: Record<string, unknown> = {}): CustomKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { kid, alg: 'ES256', privateKey, publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', ...extra } };
}

function rsaKey(kid: string, bits: number): CustomKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return { kid, alg: 'RS256', privateKey, publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } };
}

/** Hostile key-set members, generated once. */
const weakRsa = rsaKey('weak-rsa-1', 1024);
const encUse = ecKey('enc-1', { use: 'enc' });
const encOps = ecKey('keyops-1', { key_ops: ['encrypt'] });
const privateMember = ecKey('priv-1', { use: 'sig' });
const dupA = ecKey('dup-1', { use: 'sig' });
const dupB = ecKey('dup-1', { use: 'sig' });
const multi = [ecKey('multi-1', { use: 'sig' }), ecKey('multi-2', { use: 'sig' }), ecKey('multi-3', { use: 'sig' })];

function signCustom(key: CustomKey, claims: Record<string, unknown>, header: Record<string, unknown>): string {
  const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(claims))}`;
  const signature =
    key.alg === 'ES256'
      ? cryptoSign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' })
      : cryptoSign('sha256', Buffer.from(input), key.privateKey);
  return `${input}.${b64u(signature)}`;
}

async function main(): Promise<void> {
  let mode: Mode = 'ok';
  let variant: KeySetVariant = 'normal';
  let delayMs = 10_000;
  let hugeBytes = 50 * 1024 * 1024;
  let location = 'http://127.0.0.1:9/jwks';
  let fetchCount = 0;
  const pending = new Set<http.ServerResponse>();

  // The key server's port is fixed at start; `issuer` is its base URL.
  const jwksServer = http.createServer();
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  const port = (jwksServer.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;
  const issuer = await createTestIssuer({ serve: 'none', issuer: base, audience: AUDIENCE, algorithms: ['ES256', 'RS256'] });

  const keySet = (): Record<string, unknown> => {
    const keys: unknown[] = [...issuer.jwks.keys];
    switch (variant) {
      case 'weak-rsa':
        keys.push(weakRsa.publicJwk);
        break;
      case 'enc-use':
        keys.push(encUse.publicJwk, encOps.publicJwk);
        break;
      case 'oct':
        keys.push({ kty: 'oct', k: b64u('secret'), kid: 'oct-1', alg: 'HS256' });
        break;
      case 'private':
        // The signing key published with its private part `d` (SPEC 170).
        keys.push({ ...privateMember.privateKey.export({ format: 'jwk' }), kid: 'priv-1', alg: 'ES256', use: 'sig' });
        break;
      case 'dup-kid':
        keys.push(dupA.publicJwk, dupB.publicJwk);
        break;
      case 'three-es256':
        // Only the three ES256 keys without kids, so a kid-less token has three candidates.
        return { keys: multi.map((k) => ({ ...k.publicJwk, kid: undefined })) };
      default:
        break;
    }
    return { keys };
  };

  jwksServer.on('request', (req, res) => {
    if (req.url === '/.well-known/openid-configuration') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer: base, jwks_uri: `${base}/jwks` }));
      return;
    }
    if (req.url !== '/jwks') {
      res.writeHead(404).end();
      return;
    }
    fetchCount++;
    switch (mode) {
      case 'ok':
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(keySet()));
        return;
      case 'hang':
        pending.add(res);
        res.on('close', () => pending.delete(res));
        return;
      case 'slow': {
        pending.add(res);
        const timer = setTimeout(() => {
          pending.delete(res);
          if (!res.destroyed) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(keySet()));
        }, delayMs);
        res.on('close', () => {
          clearTimeout(timer);
          pending.delete(res);
        });
        return;
      }
      case 'garbage':
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Service temporarily unavailable</body></html>');
        return;
      case 'error':
        res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
        return;
      case 'redirect':
        res.writeHead(302, { location }).end();
        return;
      case 'huge': {
        // Key-set-like JSON streamed without Content-Length, until `hugeBytes` or the client leaves.
        res.writeHead(200, { 'content-type': 'application/json' });
        let sent = 0;
        const chunk = Buffer.from(`{"kty":"EC","crv":"P-256","x":"${'A'.repeat(43)}","y":"${'A'.repeat(43)}"},`.repeat(512));
        res.write('{"keys":[');
        const pump = (): void => {
          while (sent < hugeBytes && !res.destroyed) {
            sent += chunk.length;
            if (!res.write(chunk)) {
              res.once('drain', pump);
              return;
            }
          }
          if (!res.destroyed) res.end('{}]}');
        };
        pump();
        return;
      }
    }
  });

  const tokenClaims = (body: Record<string, unknown>): Record<string, unknown> => {
    const now = typeof body['now'] === 'number' ? body['now'] : Math.floor(Date.now() / 1000);
    return { iss: base, aud: AUDIENCE, iat: now, exp: now + 300, jti: crypto.randomUUID(), ...(body['claims'] as Record<string, unknown>) };
  };

  const control = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
      const reply = (value: unknown): void => {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value ?? {}));
      };
      void (async () => {
        switch (req.url) {
          case '/mode':
            mode = body['mode'] as Mode;
            if (typeof body['delayMs'] === 'number') delayMs = body['delayMs'];
            if (typeof body['bytes'] === 'number') hugeBytes = body['bytes'];
            if (typeof body['location'] === 'string') location = body['location'];
            if (mode === 'ok') {
              for (const r of pending) r.destroy();
              pending.clear();
            }
            return reply({ mode });
          case '/keyset':
            variant = body['variant'] as KeySetVariant;
            return reply({ variant });
          case '/stop':
            // Connection refused from now on (the port stays ours: nothing else binds it in between).
            for (const r of pending) r.destroy();
            pending.clear();
            jwksServer.closeAllConnections();
            await new Promise<void>((resolve) => jwksServer.close(() => resolve()));
            return reply({ stopped: true });
          case '/start':
            if (!jwksServer.listening) await new Promise<void>((resolve) => jwksServer.listen(port, '127.0.0.1', resolve));
            return reply({ started: true });
          case '/token': {
            const claims = tokenClaims(body);
            const options = (body['options'] ?? {}) as Record<string, unknown>;
            return reply({ token: await issuer.token(claims, options) });
          }
          case '/custom-token': {
            const claims = tokenClaims(body);
            const which = body['key'] as string;
            if (which === 'oct') {
              const input = `${b64u(JSON.stringify({ alg: 'HS256', typ: 'at+jwt', kid: 'oct-1' }))}.${b64u(JSON.stringify(claims))}`;
              return reply({ token: `${input}.${b64u(createHmac('sha256', 'secret').update(input).digest())}` });
            }
            const keys: Record<string, CustomKey> = {
              'weak-rsa': weakRsa,
              'enc-use': encUse,
              'key-ops': encOps,
              private: privateMember,
              'dup-kid': dupB,
              'no-kid': multi[1]!,
            };
            const key = keys[which];
            if (!key) return reply({ error: `unknown key ${which}` });
            const header: Record<string, unknown> = { alg: key.alg, typ: 'at+jwt' };
            if (which !== 'no-kid') header['kid'] = key.kid;
            return reply({ token: signCustom(key, claims, header) });
          }
          case '/add-key':
            return reply({ kid: await issuer.addKey((body['alg'] as 'ES256' | undefined) ?? 'ES256') });
          case '/remove-key':
            issuer.removeKey(body['kid'] as string);
            return reply({ removed: body['kid'] });
          case '/stats':
            return reply({ fetchCount, mode, variant, listening: jwksServer.listening, kids: issuer.jwks.keys.map((k) => k.kid) });
          default:
            res.writeHead(404).end();
        }
      })().catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(error) }));
      });
    });
  });
  await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
  const controlPort = (control.address() as AddressInfo).port;
  process.stdout.write(`${JSON.stringify({ issuer: base, audience: AUDIENCE, jwksUrl: `${base}/jwks`, controlUrl: `http://127.0.0.1:${controlPort}` })}\n`);

  const shutdown = (): void => {
    for (const r of pending) r.destroy();
    jwksServer.closeAllConnections();
    control.closeAllConnections();
    jwksServer.close();
    control.close();
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  // The parent going away must not leave this process behind.
  process.on('disconnect', shutdown);
  process.stdin.on('end', shutdown);
  process.stdin.resume();
}

main().catch((error: unknown) => {
  process.stderr.write(`key server failed: ${String(error)}\n`);
  process.exit(1);
});
