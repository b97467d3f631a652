import type { Narrator, TracedRequest } from '../narration/narrator.js';
import { redactForm, redactHeader, redactUrl } from './redact.js';
import { summariseBody } from './summarise-body.js';

/** Request headers worth showing (others, such as `accept` or `user-agent`, are noise). */
const SHOWN_REQUEST_HEADERS = ['authorization', 'content-type', 'cookie', 'dpop'];
/** Answer headers worth showing. */
const SHOWN_RESPONSE_HEADERS = ['www-authenticate', 'location', 'retry-after'];

/** Every request of the demo gets at most this long, in milliseconds. */
export const REQUEST_TIMEOUT_MS = 10_000;

/**
 * The one `fetch` of the demo: it prints each request and its answer through the narrator
 * (redacted: see redact.ts) and bounds every request in time. openid-client uses it too (as its
 * `customFetch`), so token-endpoint calls are narrated like API calls.
 *
 * @example
 * ```ts
 * const trace = new HttpTrace(narrator);
 * const res = await trace.fetch('http://127.0.0.1:3000/health');
 * await trace.quietly(() => signIn(…)); // a background sign-in, not narrated hop by hop
 * ```
 */
export class HttpTrace {
  #muted = 0;

  constructor(private readonly narrator: Narrator) {}

  /** Whether requests are currently narrated. */
  get narrating(): boolean {
    return this.#muted === 0;
  }

  /** Runs `work` without narrating its requests (the scenarios run one at a time). */
  async quietly<T>(work: () => Promise<T>): Promise<T> {
    this.#muted++;
    try {
      return await work();
    } finally {
      this.#muted--;
    }
  }

  readonly fetch = async (input: string | URL, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(input);
    const method = (init.method ?? 'GET').toUpperCase();
    const headers = new Headers(init.headers);
    const narrate = this.narrating;
    if (narrate) this.narrator.request(describeRequest(method, url, headers, init.body));
    const response = await fetch(url, {
      ...init,
      headers,
      signal: init.signal ?? AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    if (narrate) {
      const text = await response.clone().text();
      const shown = SHOWN_RESPONSE_HEADERS.flatMap((name) => {
        const value = response.headers.get(name);
        if (value === null) return [];
        return [[name, name === 'location' ? redactUrl(new URL(value, url)) : value] as const];
      });
      this.narrator.response({
        status: response.status,
        headers: shown,
        // A redirect's body is boilerplate; the location header says it all.
        body:
          response.status >= 300 && response.status < 400
            ? undefined
            : summariseBody(response.headers.get('content-type'), text),
      });
    }
    return response;
  };
}

function describeRequest(method: string, url: URL, headers: Headers, body: RequestInit['body']): TracedRequest {
  const shown = SHOWN_REQUEST_HEADERS.flatMap((name) => {
    const value = headers.get(name);
    return value === null ? [] : [[name, redactHeader(name, value)] as const];
  });
  return { method, url: redactUrl(url), headers: shown, body: describeBody(headers.get('content-type'), body) };
}

function describeBody(contentType: string | null, body: RequestInit['body']): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (body instanceof URLSearchParams) return redactForm(body);
  if (typeof body === 'string') {
    if ((contentType ?? '').includes('x-www-form-urlencoded')) return redactForm(new URLSearchParams(body));
    return summariseBody(contentType, body);
  }
  return '‹binary body›';
}
