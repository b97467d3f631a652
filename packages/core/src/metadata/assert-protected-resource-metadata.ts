import type { ProtectedResourceMetadata } from './create-protected-resource-metadata.js';

const WELL_KNOWN = '/.well-known/oauth-protected-resource';
/** RFC 9110 §5.1 field name (a token). */
const FIELD_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** RFC 9110 §5.5 field value: visible characters, spaces and tabs; no CR, LF or NUL. */
// eslint-disable-next-line no-control-regex
const FIELD_VALUE = /^[\t\u0020-\u007e\u0080-\u00ff]*$/;

/**
 * Checks, once at start-up, that a value has the shape of a {@link ProtectedResourceMetadata} as
 * `createProtectedResourceMetadata()` builds it, so an adapter can serve it as it is: `path` under
 * `/.well-known/oauth-protected-resource` without `?`, `#` or blanks, `url` = the origin + `path`,
 * `document.resource` = `resource`, `body` a JSON string, `headers` valid header fields with
 * `content-type` and a `content-length` equal to the body's UTF-8 length. Provenance is not checked
 * (a spread copy passes). Throws a `TypeError` that starts with `caller` and names the field.
 *
 * @example
 * ```ts
 * export function serveMetadata(metadata: ProtectedResourceMetadata) {
 *   assertProtectedResourceMetadata(metadata, 'serveMetadata');
 *   return (req, res) => res.writeHead(200, metadata.headers).end(metadata.body);
 * }
 * ```
 */
export function assertProtectedResourceMetadata(value: unknown, caller: string): asserts value is ProtectedResourceMetadata {
  const fail = (message: string): never => {
    throw new TypeError(`${caller}: ${message}; pass the object createProtectedResourceMetadata({ resource, … }) returns`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('the metadata must be an object');
  const { resource, path, url, document, body, headers } = value as Partial<Record<keyof ProtectedResourceMetadata, unknown>>;
  if (typeof resource !== 'string' || resource === '') fail("'resource' must be a non-empty string");
  if (typeof path !== 'string' || (path !== WELL_KNOWN && !path.startsWith(`${WELL_KNOWN}/`))) {
    fail(`'path' must be '${WELL_KNOWN}' or start with '${WELL_KNOWN}/' (RFC 9728 §3.1)`);
  }
  // Adapters compare the path with the raw request target: a query, fragment or blank could never match.
  if (/[?#\s]/.test(path as string)) fail("'path' must not contain '?', '#' or white space");
  if (typeof url !== 'string' || !URL.canParse(url) || url !== new URL(url).origin + (path as string)) {
    fail("'url' must be the absolute URL of 'path' (the resource's origin followed by 'path')");
  }
  if (typeof document !== 'object' || document === null || (document as { resource?: unknown }).resource !== resource) {
    fail("'document' must be an object whose 'resource' equals 'resource'");
  }
  if (typeof body !== 'string' || body === '') fail("'body' must be the serialised document (a non-empty string)");
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
    fail("'headers' must be an object of header names and values");
  }
  const names = new Map<string, string>();
  for (const [name, field] of Object.entries(headers as object)) {
    // Checked here: a bad header would otherwise make every answer throw.
    if (!FIELD_NAME.test(name) || typeof field !== 'string' || !FIELD_VALUE.test(field)) {
      fail(`'headers.${name}' must be a valid header with a string value`);
    }
    names.set(name.toLowerCase(), field as string);
  }
  if (names.get('content-type') === undefined) fail("'headers' must set 'content-type'");
  if (names.get('content-length') !== String(new TextEncoder().encode(body as string).length)) {
    fail("'headers' must set 'content-length' to the UTF-8 length of 'body'");
  }
}
