import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import { BODY_LIMIT_BYTES } from '../config/app-config.js';
import type { AppConfig } from '../config/app-config.js';

interface RequestLike {
  path: string;
}
interface ResponseLike {
  setHeader(name: string, value: string): unknown;
}

interface ExpressLike {
  disable(setting: string): unknown;
  set(setting: string, value: unknown): unknown;
}

/**
 * HTTP hardening of the Express app under Nest:
 * - JSON (and form, only so core can refuse `access_token` in a body) bodies up to 16 KiB; larger → 413;
 * - `helmet` headers (CSP without `upgrade-insecure-requests`, so Swagger UI works over local http);
 * - no `X-Powered-By`; `Cache-Control: no-store` on API answers (they are per caller);
 * - CORS closed unless `CORS_ORIGINS` lists origins; then only those, exposing `WWW-Authenticate`,
 *   `Retry-After` and `X-Request-Id`, without cookies (bearer tokens only).
 */
export function hardenHttp(app: NestExpressApplication, config: AppConfig): void {
  const express = app.getHttpAdapter().getInstance() as ExpressLike;
  express.disable('x-powered-by');
  // The socket address is the client; X-Forwarded-For is not trusted (set up a proxy explicitly).
  express.set('trust proxy', false);
  // Middleware runs in registration order, and a body the parsers refuse (malformed JSON, 413)
  // skips everything registered after them: headers go first, so those answers carry them too.
  app.use(
    helmet({
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
    }),
  );
  app.use((req: RequestLike, res: ResponseLike, next: () => void) => {
    if (!req.path.startsWith('/docs')) res.setHeader('cache-control', 'no-store');
    next();
  });
  if (config.corsOrigins.length > 0) {
    app.enableCors({
      origin: [...config.corsOrigins],
      methods: ['GET', 'POST', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id'],
      exposedHeaders: ['WWW-Authenticate', 'Retry-After', 'X-Request-Id'],
      credentials: false,
      maxAge: 600,
    });
  }
  app.useBodyParser('json', { limit: BODY_LIMIT_BYTES });
  app.useBodyParser('urlencoded', { limit: BODY_LIMIT_BYTES, extended: false });
}
