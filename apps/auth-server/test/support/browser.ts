/**
 * A tiny "browser" for the interaction pages: fetch without following redirects, a cookie jar
 * keyed by name (paths ignored: every cookie goes to the one test origin), and a driver that
 * submits the login and consent forms it finds on the pages.
 */
export class CookieJar {
  readonly #cookies = new Map<string, string>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => {
        const [key = '', val = ''] = a.split('=');
        const k = key.trim().toLowerCase();
        return (k === 'expires' && Date.parse(val) <= Date.now()) || (k === 'max-age' && Number(val) <= 0);
      });
      if (expired || value === '') this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export interface Browser {
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
    const cookie = jar.header();
    if (cookie !== '') headers.set('cookie', cookie);
    const response = await fetch(url, { ...init, headers, redirect: 'manual', signal: AbortSignal.timeout(10_000) });
    jar.store(response);
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
