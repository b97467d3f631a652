import { createServer } from 'node:http';
import express from 'express';
import { portcullis, portcullisErrorHandler, requireScopes } from '@portcullis/express';
import type { AuthenticatedRequest } from '@portcullis/express';
import { REQUIRED_SCOPE } from '../../lib/pool.js';
import { BODY, countCached, listen, ROUTE } from '../server-types.js';
import type { ServerConfig, StartedServer } from '../server-types.js';

/** Express 5 + @portcullis/express: the gate (verify + principal) and a scope rule on the route. */
export function start(config: ServerConfig): Promise<StartedServer> {
  const app = express();
  app.use(
    portcullis({
      issuer: config.issuer,
      audience: config.audience,
      jwksUri: config.jwksUri,
      algorithms: ['RS256'],
      cache: { maxEntries: config.cacheEntries },
    }),
  );
  app.get(ROUTE, requireScopes(REQUIRED_SCOPE), (req, res) => {
    // Cast: express-oauth2-jwt-bearer, compiled in the same bench project, also augments `req.auth`.
    countCached((req as unknown as AuthenticatedRequest).auth.token);
    res.json(BODY);
  });
  app.use(portcullisErrorHandler());
  return listen(createServer(app));
}
