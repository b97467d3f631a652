import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { AppConfig } from '../config/app-config.js';
import { BODY_LIMIT_BYTES } from '../config/app-config.js';
import { ordersResourceMetadata } from '../auth/resource-metadata.js';
import { discoveryUrl } from '../config/discover-jwks-uri.js';

const SCOPE_DESCRIPTIONS = {
  'orders:read': 'Read the orders the caller may see',
  'orders:write': 'Create, cancel (own) and delete (admin) orders',
  'orders:fulfil': 'Fulfilment service: read and fulfil any order (client credentials)',
};

/**
 * Serves the OpenAPI document at `/docs-json` and Swagger UI at `/docs`. Security schemes:
 * `oauth2` (OpenID Connect discovery of `AUTH_ISSUER`; each operation lists the scopes it needs)
 * and `bearer` (the `Authorization: Bearer <JWT access token>` header the API actually reads).
 * Every operation documents 429; guarded ones 401/403 (and 404 for owned resources) through
 * @portcullis/nest.
 */
export function setupOpenApi(app: INestApplication, config: AppConfig): OpenAPIObject {
  const metadata = ordersResourceMetadata(config.auth);
  const builder = new DocumentBuilder()
    .setTitle('Portcullis orders API')
    .setDescription(
      'Zero-trust reference API protected by @portcullis/nest. Every request except `GET /health` and the ' +
        `RFC 9728 metadata document (\`GET ${metadata.path}\`, which every 401 challenge names) needs ` +
        '`Authorization: Bearer <access token>` (RFC 9068 JWT from `AUTH_ISSUER`, audience `AUTH_AUDIENCE`). ' +
        `Errors share one JSON shape; bodies over ${BODY_LIMIT_BYTES / 1024} KiB get 413; ` +
        'each caller (each IP when anonymous) is rate-limited (429 with `Retry-After`).\n\n' +
        Object.entries(SCOPE_DESCRIPTIONS)
          .map(([scope, text]) => `- \`${scope}\`: ${text}`)
          .join('\n'),
    )
    .setVersion('1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'RFC 9068 access token' }, 'bearer')
    .addSecurity('oauth2', {
      type: 'openIdConnect',
      openIdConnectUrl: discoveryUrl(config.auth.issuer),
      description: `Tokens from ${config.auth.issuer} for audience ${config.auth.audience}. Scopes: ${Object.keys(SCOPE_DESCRIPTIONS).join(', ')}.`,
    });
  const document = SwaggerModule.createDocument(app, builder.build());
  addRateLimitResponses(document);
  addResourceMetadataPath(document, metadata.path);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', yamlDocumentUrl: 'docs-yaml', ui: true });
  return document;
}

/** Adds the 429 answer (with `Retry-After`) to every operation. */
function addRateLimitResponses(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = item[method];
      if (!operation) continue;
      operation.responses['429'] ??= {
        description: 'Rate limit exceeded (per principal, per IP when anonymous)',
        headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } },
      };
    }
  }
}

/**
 * Lists the RFC 9728 document, which @portcullis/nest serves on the HTTP adapter (outside Nest's
 * routes, so the generator does not see it): public, not rate-limited, JSON.
 */
function addResourceMetadataPath(document: OpenAPIObject, path: string): void {
  const list = { type: 'array', items: { type: 'string' } } as const;
  document.paths[path] = {
    get: {
      operationId: 'protectedResourceMetadata',
      summary: 'OAuth 2.0 protected-resource metadata (RFC 9728)',
      description:
        'Public: which authorization server issues tokens for this API and which scopes exist. Every 401 challenge names this document in `resource_metadata`.',
      security: [],
      responses: {
        '200': {
          description: 'The metadata document',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['resource'],
                properties: {
                  resource: { type: 'string', format: 'uri' },
                  authorization_servers: list,
                  scopes_supported: list,
                  bearer_methods_supported: list,
                  resource_name: { type: 'string' },
                },
              },
            },
          },
        },
      },
    },
  };
}
