import type { FetchLike } from '../oauth/drive-login.js';

/** An answer of the orders API, as the scenarios check it. */
export interface ApiAnswer {
  readonly status: number;
  /** The `WWW-Authenticate` header, or `null`. */
  readonly wwwAuthenticate: string | null;
  /** Parsed JSON body, the text of any other body, or `undefined` when empty. */
  readonly body: unknown;
  readonly headers: Headers;
}

/** Options of one call. */
export interface CallOptions {
  /** Access token sent as `Authorization: Bearer <token>`. */
  readonly token?: string;
  /** JSON request body. */
  readonly json?: unknown;
}

/**
 * A thin client for the orders API: one method, every call narrated through the demo's fetch.
 *
 * @example
 * ```ts
 * const api = new OrdersApiClient('http://127.0.0.1:3000', trace.fetch);
 * const answer = await api.call('GET', '/orders', { token });
 * ```
 */
export class OrdersApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly fetchFn: FetchLike,
  ) {}

  async call(method: string, path: string, options: CallOptions = {}): Promise<ApiAnswer> {
    const headers = new Headers();
    if (options.token !== undefined) headers.set('authorization', `Bearer ${options.token}`);
    let body: string | undefined;
    if (options.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(options.json);
    }
    const response = await this.fetchFn(new URL(path, this.baseUrl), { method, headers, body, redirect: 'manual' });
    const text = await response.text();
    let parsed: unknown = text === '' ? undefined : text;
    if (text !== '' && (response.headers.get('content-type') ?? '').includes('json')) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return {
      status: response.status,
      wwwAuthenticate: response.headers.get('www-authenticate'),
      body: parsed,
      headers: response.headers,
    };
  }
}
