import { createProtectedResourceMetadata } from '@portcullis/nest';
import type { ProtectedResourceMetadata } from '@portcullis/nest';
import { SCOPES } from './order-rules.js';

/** Display name of this API in its RFC 9728 metadata. */
export const RESOURCE_NAME = 'Portcullis orders API';

/**
 * The orders API's RFC 9728 protected-resource metadata: its resource identifier (the `aud` its
 * tokens carry, `AUTH_AUDIENCE`), the one authorization server it trusts (`AUTH_ISSUER`) and the
 * scopes it defines. Served at `/.well-known/oauth-protected-resource` + the resource's path, and
 * named in every 401 challenge (`resource_metadata`), so a client that meets a 401 can find the
 * authorization server and the scopes to ask for. Throws a `TypeError` for an audience that is
 * not an `https:` resource URL or an issuer that is not an issuer identifier.
 *
 * @example
 * ```ts
 * const metadata = ordersResourceMetadata({ issuer: 'http://127.0.0.1:4000', audience: 'https://api.portcullis.test/orders' });
 * metadata.path; // '/.well-known/oauth-protected-resource/orders'
 * metadata.url; //  'https://api.portcullis.test/.well-known/oauth-protected-resource/orders'
 * ```
 */
export function ordersResourceMetadata(auth: { readonly issuer: string; readonly audience: string }): ProtectedResourceMetadata {
  return createProtectedResourceMetadata({
    resource: auth.audience,
    authorizationServers: [auth.issuer],
    scopesSupported: Object.values(SCOPES),
    resourceName: RESOURCE_NAME,
  });
}
