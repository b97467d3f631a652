import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { driveLogin, type FetchLike } from '../../src/oauth/drive-login.js';

const CALLBACK = 'http://127.0.0.1:8080/callback?code=the-code&state=s1';
const EXPIRED = 'expires=Thu, 01 Jan 1970 00:00:00 GMT';

/** One request the fake auth server saw: where it went and the Cookie header it carried. */
interface Seen {
  method: string;
  path: string;
  cookie: string | undefined;
}

/**
 * A stand-in for oidc-provider's login + consent flow with cookies shaped like the ones it sets in
 * dev (path-scoped, `HttpOnly`, `SameSite=Lax`, not `Secure` over http://127.0.0.1), plus a cookie
 * for a path the flow never visits and a site-wide cookie the server deletes half way.
 */
function fakeAuthServer(seen: Seen[]): Server {
  const routes: Record<string, (res: ServerResponse) => void> = {
    'GET /auth': (res) => {
      res.setHeader('set-cookie', [
        '_interaction=i1; path=/interaction/uid1; samesite=lax; httponly',
        '_interaction_resume=r1; path=/auth/uid1; samesite=lax; httponly',
        '_state=st1; path=/; samesite=lax; httponly',
        'elsewhere=e1; path=/admin; httponly',
      ]);
      res.writeHead(303, { location: '/interaction/uid1' }).end();
    },
    'GET /interaction/uid1': (res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<form method="post" action="/interaction/uid1/login"><input name="username"></form>');
    },
    'POST /interaction/uid1/login': (res) => {
      res.setHeader('set-cookie', [`_interaction=; path=/interaction/uid1; ${EXPIRED}; httponly`]);
      res.writeHead(303, { location: '/auth/uid1' }).end();
    },
    'GET /auth/uid1': (res) => {
      res.setHeader('set-cookie', [
        `_state=; path=/; ${EXPIRED}; httponly`,
        '_session=s1; path=/; samesite=lax; httponly',
        '_interaction=i2; path=/interaction/uid2; samesite=lax; httponly',
      ]);
      res.writeHead(303, { location: '/interaction/uid2' }).end();
    },
    'GET /interaction/uid2': (res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<form method="post" action="/interaction/uid2/confirm"><button>Allow</button></form>');
    },
    'POST /interaction/uid2/confirm': (res) => res.writeHead(303, { location: '/auth/uid2' }).end(),
    'GET /auth/uid2': (res) => res.writeHead(303, { location: CALLBACK }).end(),
  };
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    seen.push({ method: req.method ?? '', path, cookie: req.headers.cookie });
    req.resume();
    req.on('end', () => {
      const route = routes[`${req.method ?? ''} ${path}`];
      if (route === undefined) res.writeHead(404).end();
      else route(res);
    });
  });
}

/** The cookies of a request as a sorted list (the order within the header does not matter). */
const cookies = (header: string | undefined): string[] => (header === undefined ? [] : header.split('; ').sort());

describe('driveLogin cookies', () => {
  const seen: Seen[] = [];
  let server: Server;
  let origin: string;
  const fetchFn: FetchLike = (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(5_000) });
  const alice = { username: 'alice', password: 'pw' };

  beforeAll(async () => {
    server = fakeAuthServer(seen);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    seen.length = 0;
  });

  it('sends each cookie only under its path and stops sending a cookie the server expired', async () => {
    const callback = await driveLogin(fetchFn, new URL(`${origin}/auth?client_id=web`), alice);

    expect(callback.href).toBe(CALLBACK);
    expect(seen.map(({ method, path, cookie }) => [method, path, cookies(cookie)])).toEqual([
      ['GET', '/auth', []],
      ['GET', '/interaction/uid1', ['_interaction=i1', '_state=st1']],
      ['POST', '/interaction/uid1/login', ['_interaction=i1', '_state=st1']],
      ['GET', '/auth/uid1', ['_interaction_resume=r1', '_state=st1']],
      // `_state` was expired by the answer above; `elsewhere` (path=/admin) is never sent.
      ['GET', '/interaction/uid2', ['_interaction=i2', '_session=s1']],
      ['POST', '/interaction/uid2/confirm', ['_interaction=i2', '_session=s1']],
      ['GET', '/auth/uid2', ['_session=s1']],
    ]);
  });

  it('starts every sign-in with an empty jar (no session carried over from the previous user)', async () => {
    await driveLogin(fetchFn, new URL(`${origin}/auth?client_id=web`), alice);
    await driveLogin(fetchFn, new URL(`${origin}/auth?client_id=web`), { username: 'bob', password: 'pw' });

    const starts = seen.filter(({ path }) => path === '/auth');
    expect(starts).toHaveLength(2);
    expect(starts.map(({ cookie }) => cookie)).toEqual([undefined, undefined]);
  });
});
