/** Small builders for case steps, so the corpus files read like the SPEC tables. */
import type { ActionStep, BurstStep, Expectation, LazyStep, RequestStep } from './types.js';

/** `Authorization: Bearer <token>`. */
export const bearer = (token: string): [string, string] => ['Authorization', `Bearer ${token}`];

/** A request step. */
export function request(
  label: string,
  method: string,
  path: string,
  expect: Expectation,
  options: { headers?: ReadonlyArray<readonly [string, string]>; body?: string; contentType?: string } = {},
): RequestStep {
  const headers = [...(options.headers ?? [])];
  if (options.body !== undefined && !headers.some(([n]) => n.toLowerCase() === 'content-type')) {
    headers.push(['Content-Type', options.contentType ?? 'application/json']);
  }
  return {
    kind: 'request',
    label,
    method,
    path,
    headers,
    ...(options.body === undefined ? {} : { body: options.body }),
    expect,
  };
}

/** A GET with a bearer token (or without one when `token` is undefined). */
export function getWith(label: string, path: string, token: string | undefined, expect: Expectation, extra: ReadonlyArray<readonly [string, string]> = []): RequestStep {
  return request(label, 'GET', path, expect, { headers: [...(token === undefined ? [] : [bearer(token)]), ...extra] });
}

/** A raw request (bytes as written). */
export function raw(label: string, bytes: string, expect: Expectation): RequestStep {
  return { kind: 'request', label, method: '', path: '', raw: bytes, expect };
}

/** An action between requests. */
export function action(label: string, run: () => Promise<void>): ActionStep {
  return { kind: 'action', label, run };
}

/** A request built when its turn comes. */
export function lazy(label: string, make: () => Promise<RequestStep>): LazyStep {
  return { kind: 'lazy', label, make };
}

/** A concurrent burst of requests. */
export function burst(label: string, requests: BurstStep['requests'], concurrency: number, expect: Expectation): BurstStep {
  return { kind: 'burst', label, requests, concurrency, expect };
}

/** A check that a JSON body's `data` array only holds rows matching `predicate`. */
export function everyRow(predicate: (row: Record<string, unknown>) => boolean, what: string) {
  return (result: { json: unknown }): string | undefined => {
    const data = (result.json as { data?: unknown } | undefined)?.data;
    if (!Array.isArray(data)) return 'body has no data array';
    const bad = data.filter((row) => !predicate(row as Record<string, unknown>));
    return bad.length ? `${bad.length} row(s) violate "${what}": ${JSON.stringify(bad).slice(0, 200)}` : undefined;
  };
}
