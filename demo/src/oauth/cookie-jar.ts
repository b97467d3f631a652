/**
 * A minimal cookie jar for one origin (the auth server): names and values only. Enough for the
 * interaction cookies of oidc-provider; paths, domains and flags are ignored on purpose (every
 * cookie goes back to the one origin the demo's "browser" talks to).
 *
 * @example
 * ```ts
 * const jar = new CookieJar();
 * jar.store(response);
 * fetch(next, { headers: { cookie: jar.header() } });
 * ```
 */
export class CookieJar {
  readonly #cookies = new Map<string, string>();

  /** Takes the `Set-Cookie` headers of an answer (an expired or empty cookie is removed). */
  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((attribute) => {
        const [key = '', val = ''] = attribute.split('=');
        const k = key.trim().toLowerCase();
        return (k === 'expires' && Date.parse(val) <= Date.now()) || (k === 'max-age' && Number(val) <= 0);
      });
      if (expired || value === '') this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  /** The `Cookie` request header value (empty when the jar is empty). */
  header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}
