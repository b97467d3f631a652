import { createServer } from 'node:http';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { toHttpResponse } from '@portcullis/core';
import { createSyncAuthenticator, fetchJwks } from '../../../prototypes/sync-authenticator.js';
import type { SyncOutcome } from '../../../prototypes/sync-authenticator.js';
import { REQUIRED_SCOPE } from '../../lib/pool.js';
import { BODY, countCached, listen, ROUTE } from '../server-types.js';
import type { ServerConfig, StartedServer } from '../server-types.js';

/**
 * PROTOTYPE row (not shipped): Express 5 with a gate on bench/prototypes/sync-authenticator.ts —
 * a repeated token is decided in the same tick. No audit; the scope rule is fixed for the route.
 */
export async function start(config: ServerConfig): Promise<StartedServer> {
  const authenticator = await createSyncAuthenticator({
    issuer: config.issuer,
    audience: config.audience,
    jwks: await fetchJwks(config.jwksUri),
    algorithms: ['RS256'],
    cacheEntries: config.cacheEntries,
    scopes: [REQUIRED_SCOPE],
  });
  const finish = (outcome: SyncOutcome, req: Request, res: Response, next: NextFunction): void => {
    if (outcome.ok) {
      (req as Request & { portcullisAuth?: unknown }).portcullisAuth = outcome.auth;
      countCached(outcome.auth.token);
      next();
      return;
    }
    const { status, headers, body } = toHttpResponse(outcome.error);
    res.status(status).set(headers).json(body);
  };
  const app = express();
  app.get(
    ROUTE,
    (req, res, next) => {
      const outcome = authenticator.authenticate({
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        url: req.url,
        method: req.method,
      });
      if (outcome instanceof Promise) void outcome.then((o) => finish(o, req, res, next));
      else finish(outcome, req, res, next);
    },
    (_req, res) => {
      res.json(BODY);
    },
  );
  return listen(createServer(app));
}
