import type { ApiAnswer } from '../api/orders-api-client.js';
import {
  asResourceMetadata,
  challengeParameter,
  resourceMetadataUrl,
  type ResourceMetadataJson,
} from '../api/resource-metadata.js';
import type { DemoContext } from './demo-context.js';

/**
 * Where the reference orders API (default `AUTH_AUDIENCE` `https://api.portcullis.test/orders`)
 * says its RFC 9728 metadata is: the `resource_metadata` of every challenge it sends.
 */
export const ORDERS_RESOURCE_METADATA_URL = 'https://api.portcullis.test/.well-known/oauth-protected-resource/orders';

/** What {@link discoverResource} observed. */
export interface ResourceDiscovery {
  /** The `resource_metadata` URL the challenge named. */
  readonly metadataUrl: string;
  /** The answer of `GET <its path>` on the API's own base URL. */
  readonly answer: ApiAnswer;
  readonly metadata: ResourceMetadataJson;
}

/**
 * What a client does with its first 401 (RFC 9728 §5): reads `resource_metadata` from the
 * challenge, fetches the document, and checks that it names the resource its URL was derived
 * from (§3.3) and the authorization server the demo signs in with. The advertised origin is the
 * API's identifier, not necessarily where it runs (locally it is `API_URL`), so the demo asks the
 * API it talks to for the same path, without a token. Every step is a check.
 *
 * @example
 * ```ts
 * const missing = await ctx.api.call('GET', '/orders');
 * const { metadata } = await discoverResource(ctx, missing);
 * metadata.resource; // 'https://api.portcullis.test/orders'
 * ```
 */
export async function discoverResource(ctx: DemoContext, unauthorized: ApiAnswer): Promise<ResourceDiscovery> {
  const metadataUrl = challengeParameter(unauthorized.wwwAuthenticate, 'resource_metadata');
  ctx.check(
    metadataUrl !== undefined && URL.canParse(metadataUrl),
    'the challenge names the metadata URL (resource_metadata, RFC 9728 §5.1)',
    `got ${String(unauthorized.wwwAuthenticate)}`,
  );
  const advertised = new URL(metadataUrl!);
  const path = `${advertised.pathname}${advertised.search}`;
  ctx.narrator.explain(
    `Discovery (RFC 9728): the challenge says where the API's metadata is, ${metadataUrl}.\n` +
      `   ${advertised.origin} is the API's identifier, not where it runs here, so the demo asks the API\n` +
      `   it talks to (${ctx.api.baseUrl}) for the same path, without a token.`,
  );
  const answer = await ctx.api.call('GET', path);
  ctx.expectStatus(answer, 200, `GET ${path}`);
  const metadata = asResourceMetadata(answer.body);
  ctx.check(
    metadata !== undefined,
    'the answer is protected-resource metadata (resource, authorization_servers)',
    `got ${JSON.stringify(answer.body)}`,
  );
  ctx.check(
    resourceMetadataUrl(metadata!.resource) === metadataUrl,
    `resource ${metadata!.resource} is the one the metadata URL was derived from (RFC 9728 §3.3)`,
    `${metadataUrl} is not its metadata URL`,
  );
  const issuer = ctx.clients.web.serverMetadata().issuer;
  ctx.check(
    metadata!.authorization_servers.includes(issuer),
    `authorization_servers lists ${issuer}, the auth server the demo signs in with`,
    `got ${JSON.stringify(metadata!.authorization_servers)}`,
  );
  return { metadataUrl: metadataUrl!, answer, metadata: metadata! };
}
