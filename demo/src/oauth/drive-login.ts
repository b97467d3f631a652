import { CookieJar } from 'tough-cookie';

/** A `fetch` with the shape of `HttpTrace.fetch`. */
export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

/** A seeded user's credentials (DEV ONLY users of the reference auth server). */
export interface Credentials {
  readonly username: string;
  readonly password: string;
}

/** Longest chain of redirects and forms followed for one authorization request. */
const MAX_HOPS = 12;

/** The login and consent forms of the reference auth server. */
const FORM = /<form method="post" action="(\/interaction\/[\w-]+\/(login|confirm))"/;

/**
 * Plays the browser for an authorization request: follows redirects by hand (with a fresh
 * tough-cookie jar per call, so cookies are scoped by host, path and expiry as a browser would),
 * fills in the login form with the user's credentials and accepts the consent page, until the
 * auth server redirects to another origin: the client's redirect URI, carrying `code` and `state`.
 * The authorization URL comes from openid-client; only these form posts are plain `fetch`.
 *
 * @throws Error when a page is not what the reference auth server serves (wrong password,
 * unexpected status, too many hops), or when the jar refuses a `Set-Cookie` of the auth server.
 * @example
 * ```ts
 * const callback = await driveLogin(trace.fetch, authorizationUrl, { username: 'alice', password: 'password' });
 * await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier, expectedState });
 * ```
 */
export async function driveLogin(fetchFn: FetchLike, authorizationUrl: URL, user: Credentials): Promise<URL> {
  const jar = new CookieJar();
  const origin = authorizationUrl.origin;
  const send = async (url: URL, init: RequestInit): Promise<Response> => {
    const headers = new Headers(init.headers);
    const cookie = await jar.getCookieString(url);
    if (cookie !== '') headers.set('cookie', cookie);
    const response = await fetchFn(url, { ...init, headers, redirect: 'manual' });
    // Not ignoreError: a cookie the jar refuses (wrong domain, bad Secure or prefix) stops the
    // demo here, rather than as a puzzling "session not found" page a few hops later.
    for (const setCookie of response.headers.getSetCookie()) await jar.setCookie(setCookie, url);
    return response;
  };

  let next = authorizationUrl;
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const response = await send(next, { method: 'GET' });
    if (response.status >= 300 && response.status < 400) {
      const location = new URL(response.headers.get('location') ?? '', next);
      await response.body?.cancel();
      if (location.origin !== origin) return location;
      next = location;
      continue;
    }
    const page = await response.text();
    if (response.status !== 200) throw new Error(`the auth server answered ${response.status} at ${next.pathname}`);
    const form = FORM.exec(page);
    if (form === null) throw new Error(`no login or consent form at ${next.pathname}`);
    const isLogin = form[2] === 'login';
    const submitted = await send(new URL(form[1]!, origin), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(isLogin ? { username: user.username, password: user.password } : {}).toString(),
    });
    if (submitted.status !== 303) {
      await submitted.body?.cancel();
      // The login page answers 200 again with an error for wrong credentials.
      throw new Error(`the ${isLogin ? 'login' : 'consent'} form answered ${submitted.status} instead of a redirect`);
    }
    next = new URL(submitted.headers.get('location') ?? '', origin);
    await submitted.body?.cancel();
  }
  throw new Error(`more than ${MAX_HOPS} redirects during the authorization request`);
}
