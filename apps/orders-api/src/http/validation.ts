import type { z } from 'zod';
import { ApiError } from './api-error.js';
import type { ValidationIssue } from './api-error.js';

/** At most this many issues are reported, so a huge invalid body gives a small answer. */
const MAX_ISSUES = 20;

/**
 * Parses a value with a zod schema, or throws a 400 {@link ApiError} listing the problems
 * (path + zod's message; zod messages name the expected type, never the received value).
 *
 * @example
 * ```ts
 * const body = parseOrThrow(CreateOrderBody, request.body, 'body');
 * ```
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query'): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues: ValidationIssue[] = [];
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      // zod's message quotes every unknown key in full: one issue per key instead, the key only in
      // the (bounded, printable) path, so a client-chosen key is never echoed whole.
      for (const key of issue.keys) issues.push({ path: formatPath(where, [...issue.path, key]), message: 'is not allowed' });
    } else {
      issues.push({ path: formatPath(where, issue.path), message: issue.message });
    }
    if (issues.length >= MAX_ISSUES) break;
  }
  throw ApiError.validation(issues.slice(0, MAX_ISSUES), where === 'body' ? 'The request body is invalid' : 'The query string is invalid');
}

function formatPath(where: string, path: readonly PropertyKey[]): string {
  let out = where === 'query' ? 'query' : '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += `${out ? '.' : ''}${safeKey(String(segment))}`;
  }
  return out || '(body)';
}

/** Keys come from the client (e.g. an unknown field): keep them short and printable. */
function safeKey(key: string): string {
  const printable = key.replace(/[^\x20-\x7E]/g, '?');
  return printable.length > 64 ? `${printable.slice(0, 64)}…` : printable;
}
