import { request as httpRequest } from 'node:http';

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** Parsed JSON body, or `undefined` when the body is not JSON. */
  readonly body: any;
}

/** One HTTP request with fetch; a token becomes `Authorization: Bearer <token>`. */
export async function send(
  url: string,
  init: { method?: string; token?: string | undefined; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token !== undefined) headers['authorization'] = `Bearer ${init.token}`;
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers,
    ...(init.body !== undefined ? { body: init.body } : {}),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}

/**
 * A raw node:http request, for what fetch cannot send: the same header several times
 * (`headers` values given as arrays are sent as separate header lines).
 */
export function rawRequest(
  url: string,
  init: { method?: string; headers: Record<string, string | string[]> },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: any }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: init.method ?? 'GET', timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
      res.on('error', reject);
    });
    for (const [name, value] of Object.entries(init.headers)) req.setHeader(name, value);
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** The exact keys of every Portcullis error body: nothing else (no stack, no token) is sent. */
export const ERROR_BODY_KEYS = ['code', 'error', 'message', 'statusCode'];
