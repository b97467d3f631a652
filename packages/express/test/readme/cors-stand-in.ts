/**
 * A stand-in for the `cors` middleware the README's CORS recipe mounts (the recipe takes it for
 * granted and imports nothing; the workspace does not declare `cors`). It behaves like
 * `cors({ origin: '<one origin>' })` with its default options: every answer carries
 * `Access-Control-Allow-Origin`, and a preflight `OPTIONS` request is answered 204 with the
 * allowed methods and the requested headers, without calling `next()`.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';

export function cors(options: { readonly origin: string }): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    res.setHeader('access-control-allow-origin', options.origin);
    res.setHeader('vary', 'Origin');
    if (req.method !== 'OPTIONS') {
      next();
      return;
    }
    res.setHeader('access-control-allow-methods', 'GET,HEAD,PUT,PATCH,POST,DELETE');
    const requested = req.headers['access-control-request-headers'];
    if (requested !== undefined) res.setHeader('access-control-allow-headers', requested);
    res.setHeader('content-length', '0');
    res.status(204).end();
  };
}
