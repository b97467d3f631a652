import { allow } from '@portcullis/core';
import { authenticateRequest, portcullisOf } from './internal/authenticate-request.js';
import { auditDecision } from './internal/decide-request.js';
import { defineCheck } from './internal/portcullis-middleware.js';
import type { RequestHandler } from 'express';

/**
 * Any valid access token is enough — the explicit rule for routes every authenticated caller may
 * use (e.g. logout). It counts as a rule for deny-by-default routers.
 *
 * @example
 * ```ts
 * api.post('/sessions/logout', requireAuthentication(), logout);
 * ```
 */
export function requireAuthentication(): RequestHandler {
  const decision = allow('authenticated');
  return defineCheck({ kind: 'authenticated', description: 'authenticated' }, async (req) => {
    const instance = portcullisOf(req);
    const auth = await authenticateRequest(req);
    auditDecision(instance, decision, auth, req);
    return 'rule';
  });
}
