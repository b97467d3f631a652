import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { AppConfig } from '../config/app-config.js';
import { BODY_LIMIT_BYTES } from '../config/app-config.js';
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
  const builder = new DocumentBuilder()
    .setTitle('Portcullis orders API')
    .setDescription(
      'Zero-trust reference API protected by @portcullis/nest. Every request except `GET /health` needs ' +
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
