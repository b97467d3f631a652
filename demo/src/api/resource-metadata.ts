/**
 * RFC 9728 protected-resource metadata: the fields the demo checks (`scopes_supported` and the
 * rest are printed, not checked).
 */
export interface ResourceMetadataJson {
  /** The resource identifier: the `aud` the API's tokens must carry. */
  readonly resource: string;
  /** Issuers of the authorization servers the API trusts. */
  readonly authorization_servers: readonly string[];
  readonly scopes_supported?: readonly string[];
}

/** `/.well-known/oauth-protected-resource` (RFC 9728 §3), inserted before the resource's path. */
export const RESOURCE_METADATA_WELL_KNOWN = '/.well-known/oauth-protected-resource';

/** One auth-param of a challenge: `name=token` or `name="quoted string"`. */
const AUTH_PARAM = /([!#$%&'*+.^_`|~\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,"]*))/g;

/**
 * The value of one auth-param of a `WWW-Authenticate` challenge (RFC 9110 §11.2), unquoted, or
 * `undefined` when the challenge does not carry it. Quoted values are read whole, so a `name="…"`
 * inside another parameter's quoted value (an `error_description`) is not mistaken for one.
 * Parameter names are case-insensitive.
 *
 * @example
 * ```ts
 * challengeParameter('Bearer realm="orders", resource_metadata="https://api.example/.well-known/oauth-protected-resource/orders"', 'resource_metadata');
 * // 'https://api.example/.well-known/oauth-protected-resource/orders'
 * ```
 */
export function challengeParameter(challenge: string | null, name: string): string | undefined {
  if (challenge === null) return undefined;
  // The auth-scheme ("Bearer") comes first; the parameters follow it.
  const params = challenge.replace(/^\s*[^\s,]+\s+/, '');
  for (const match of params.matchAll(AUTH_PARAM)) {
    if (match[1]!.toLowerCase() !== name.toLowerCase()) continue;
    return match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3];
  }
  return undefined;
}

/**
 * The metadata URL RFC 9728 §3.1 derives from a resource identifier: the well-known path inserted
 * between the host and the resource's path. A client must check that the document it fetched
 * names the resource this URL was derived from (§3.3), or a server could pass off another
 * resource's metadata as its own.
 *
 * @example
 * ```ts
 * resourceMetadataUrl('https://api.portcullis.test/orders');
 * // 'https://api.portcullis.test/.well-known/oauth-protected-resource/orders'
 * ```
 */
export function resourceMetadataUrl(resource: string): string {
  const url = new URL(resource);
  const path = url.pathname === '/' ? '' : url.pathname;
  return `${url.origin}${RESOURCE_METADATA_WELL_KNOWN}${path}${url.search}`;
}

/**
 * The protected-resource metadata in an answer body, or `undefined` when the body is not one
 * (no string `resource`, no `authorization_servers` array of strings).
 *
 * @example
 * ```ts
 * const metadata = asResourceMetadata(answer.body);
 * metadata?.authorization_servers; // ['http://127.0.0.1:4000']
 * ```
 */
export function asResourceMetadata(body: unknown): ResourceMetadataJson | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const m = body as Record<string, unknown>;
  const servers = m['authorization_servers'];
  return typeof m['resource'] === 'string' && Array.isArray(servers) && servers.every((s) => typeof s === 'string')
    ? (m as unknown as ResourceMetadataJson)
    : undefined;
}
