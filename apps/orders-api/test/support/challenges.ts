/**
 * The exact RFC 6750 challenges of the orders API with its default audience: realm `orders`, and
 * the URL of its RFC 9728 metadata (`/.well-known/oauth-protected-resource` inserted before the
 * path of `https://api.portcullis.test/orders`) on every one of them. Written out, not derived
 * from the app's code, so a change of either shows up here.
 */
export const RESOURCE_METADATA_URL = 'https://api.portcullis.test/.well-known/oauth-protected-resource/orders';

const METADATA = `, resource_metadata="${RESOURCE_METADATA_URL}"`;

/** 401 without credentials: no error code (RFC 6750 §3.1). */
export const MISSING_TOKEN_CHALLENGE = `Bearer realm="orders"${METADATA}`;

/** 401 `invalid_token` with the fixed description of the refusal. */
export const invalidTokenChallenge = (description: string): string =>
  `Bearer realm="orders", error="invalid_token", error_description="${description}"${METADATA}`;

/** 403 `insufficient_scope` naming the scope the route requires. */
export const insufficientScopeChallenge = (scope: string): string =>
  `Bearer realm="orders", error="insufficient_scope", error_description="The access token lacks a required scope", scope="${scope}"${METADATA}`;
