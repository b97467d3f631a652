import { createServer } from 'node:http';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { auth, requiredScopes } from 'express-oauth2-jwt-bearer';
import { REQUIRED_SCOPE } from '../../lib/pool.js';
import { BODY, listen, ROUTE } from '../server-types.js';
import type { ServerConfig, StartedServer } from '../server-types.js';

/** Express 5 + express-oauth2-jwt-bearer (Auth0) in strict RFC 9068 mode, with a scope check. */
export function start(config: ServerConfig): Promise<StartedServer> {
  const app = express();
  app.get(
    ROUTE,
    auth({
      issuer: config.issuer,
      audience: config.audience,
      jwksUri: config.jwksUri,
      tokenSigningAlg: 'RS256',
      strict: true,
    }),
    requiredScopes(REQUIRED_SCOPE),
    (_req, res) => {
      res.json(BODY);
    },
  );
  app.use((error: { status?: number }, _req: Request, res: Response, _next: NextFunction) => {
    res.status(error.status ?? 500).json({ error: 'invalid_token' });
  });
  return listen(createServer(app));
}
