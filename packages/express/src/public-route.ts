import { allow } from '@portcullis/core';
import { auditDecision } from './internal/decide-request.js';
import { defineCheck } from './internal/portcullis-middleware.js';
import { requestState } from './internal/request-state.js';
import type { RequestHandler } from 'express';

/**
 * Marks a route (or, with `router.use`, a whole router) as deliberately open: no token is
 * required and no rule applies, so deny-by-default routers let it through. The allow is audited
 * (reason `public`). A token sent anyway is not verified here; `req.auth` stays `undefined`
 * unless the app-wide `portcullis()` gate already authenticated the request.
 *
 * Anonymous callers reach the route only if nothing in front of it demands a token: inside a
 * `portcullisRouter({ portcullis })` that is the case; behind the app-wide `portcullis()` gate
 * also list the path in its `publicPaths`.
 *
 * @example
 * ```ts
 * api.get('/health', publicRoute(), (req, res) => res.json({ ok: true }));
 * ```
 */
export function publicRoute(): RequestHandler {
  const decision = allow('public');
  return defineCheck({ kind: 'public', description: 'public' }, async (req) => {
    const state = requestState(req);
    if (state.portcullis !== undefined) auditDecision(state.portcullis, decision, state.auth, req);
    return 'public';
  });
}
