import { CookieJar } from 'tough-cookie';

/**
 * A tiny "browser" for the interaction pages: fetch without following redirects, a tough-cookie
 * jar (RFC 6265 scoping by host, path, expiry and flags, keyed by the request URL), and a driver
 * that submits the login and consent forms it finds on the pages.
 */
export interface Browser {
  /** The cookies the server set, scoped as a browser would (tough-cookie, in memory). */
  jar: CookieJar;
  /** GET without following redirects, carrying and storing cookies. */
  get(url: URL): Promise<Response>;
  /** POST an urlencoded form without following redirects. */
  post(url: URL, form: Record<string, string>): Promise<Response>;
}

export function newBrowser(): Browser {
  const jar = new CookieJar();
  const send = async (url: URL, init: RequestInit): Promise<Response> => {
    const headers = new Headers(init.headers);
    const cookie = await jar.getCookieString(url);
    if (cookie !== '') headers.set('cookie', cookie);
    const response = await fetch(url, { ...init, headers, redirect: 'manual', signal: AbortSignal.timeout(10_000) });
    // Not ignoreError: a cookie the jar refuses (wrong domain, bad Secure/prefix) fails the test
    // here rather than as a confusing "no session" later in the flow.
    for (const setCookie of response.headers.getSetCookie()) await jar.setCookie(setCookie, url);
    return response;
  };
  return {
    jar,
    get: (url) => send(url, { method: 'GET' }),
    post: (url, form) =>
      send(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      }),
  };
}

/** Where the authorization server finally sent the browser (the client's redirect URI). */
export interface AuthorizationOutcome {
  callbackUrl: URL;
  /** Paths of the pages seen on the way, e.g. `['login', 'consent']`. */
  pages: string[];
}

/**
 * Follows an authorization request through the login and consent pages by submitting the forms
 * found in their HTML, until the server redirects to another origin (the client's redirect URI).
 */
export async function authorizeInBrowser(
  authorizationUrl: URL,
  user: { username: string; password: string },
  browser: Browser = newBrowser(),
): Promise<AuthorizationOutcome> {
  const origin = authorizationUrl.origin;
  const pages: string[] = [];
  let next = authorizationUrl;
  for (let step = 0; step < 12; step++) {
    const response = await browser.get(next);
    if (response.status >= 300 && response.status < 400) {
      const location = new URL(response.headers.get('location') ?? '', next);
      await response.body?.cancel();
      if (location.origin !== origin) return { callbackUrl: location, pages };
      next = location;
      continue;
    }
    const page = await response.text();
    if (response.status !== 200)
      throw new Error(`unexpected ${response.status} at ${next.pathname}: ${page.slice(0, 400)}`);
    const action = /<form method="post" action="(\/interaction\/[\w-]+\/(login|confirm))"/.exec(page);
    if (action === null) throw new Error(`no login or consent form at ${next.pathname}`);
    pages.push(action[2] === 'login' ? 'login' : 'consent');
    const submitted = await browser.post(
      new URL(action[1]!, origin),
      action[2] === 'login' ? { username: user.username, password: user.password } : {},
    );
    if (submitted.status !== 303) {
      throw new Error(`form ${action[1]} answered ${submitted.status}: ${(await submitted.text()).slice(0, 400)}`);
    }
    next = new URL(submitted.headers.get('location') ?? '', origin);
  }
  throw new Error('too many redirects');
}
