import { createServer } from 'node:http';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { expressjwt } from 'express-jwt';
import type { GetVerificationKey } from 'express-jwt';
import jwksRsa from 'jwks-rsa';
import { REQUIRED_SCOPE } from '../../lib/pool.js';
import { BODY, hasScope, listen, ROUTE } from '../server-types.js';
import type { ServerConfig, StartedServer } from '../server-types.js';

/** Express 5 + express-jwt with jwks-rsa (cached keys, rate-limited fetches), as their READMEs set them up. */
export function start(config: ServerConfig): Promise<StartedServer> {
  const app = express();
  app.get(
    ROUTE,
    expressjwt({
      secret: jwksRsa.expressJwtSecret({
        jwksUri: config.jwksUri,
        cache: true,
        rateLimit: true,
        jwksRequestsPerMinute: 10,
      }) as GetVerificationKey,
      algorithms: ['RS256'],
      issuer: config.issuer,
      audience: config.audience,
    }),
    (req: Request & { auth?: unknown }, res: Response, next: NextFunction) => {
      if (hasScope(req.auth, REQUIRED_SCOPE)) next();
      else res.status(403).json({ error: 'insufficient_scope' });
    },
    (_req, res) => {
      res.json(BODY);
    },
  );
  app.use((error: { status?: number }, _req: Request, res: Response, _next: NextFunction) => {
    res.status(error.status ?? 500).json({ error: 'invalid_token' });
  });
  return listen(createServer(app));
}
