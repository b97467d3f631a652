import { createServer } from 'node:http';
import express from 'express';
import { BODY, listen, ROUTE } from '../server-types.js';
import type { StartedServer } from '../server-types.js';

/** Express 5, no authentication: the baseline of the Express rows. */
export function start(): Promise<StartedServer> {
  const app = express();
  app.get(ROUTE, (_req, res) => {
    res.json(BODY);
  });
  return listen(createServer(app));
}
