const LOOPBACK_HOSTS = new Set(['localhost', '[::1]']);

/** Whether a URL's host is a loopback address (127.0.0.0/8, `[::1]`, `localhost`). */
export function isLoopbackHost(url: URL): boolean {
  return LOOPBACK_HOSTS.has(url.hostname) || /^127(?:\.\d{1,3}){3}$/.test(url.hostname);
}

/**
 * Parses an absolute `https:` URL (`http:` only for loopback hosts, for local development and
 * tests) and returns `undefined` with the reason when it is not acceptable.
 */
export function parseSecureUrl(value: string): { url: URL } | { problem: string } {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { problem: 'is not an absolute URL' };
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url))) {
    return { problem: 'must be an https:// URL (http:// is allowed only for 127.0.0.1, [::1] or localhost)' };
  }
  if (url.username || url.password) return { problem: 'must not contain credentials' };
  return { url };
}
