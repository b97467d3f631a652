import type { AuditRequestInfo, AuthContext, Decision, DecisionContext, Portcullis, Rule } from '@portcullis/core';
import type { Request } from 'express';
import { auditRequestInfo } from './audit-request-info.js';
import { requestState } from './request-state.js';

/**
 * The decision context of a request: the authenticated principal, the resource loaded earlier by
 * `requireOwnership` (if any), the action (`METHOD /route/pattern`) and, as environment, the
 * route parameters (read by `requireTenant({ param })`) plus any extra facts.
 */
export function decisionContext<R>(
  req: Request,
  auth: AuthContext,
  extra?: Record<string, unknown>,
  info: AuditRequestInfo = auditRequestInfo(req),
): DecisionContext<R> {
  const state = requestState(req);
  const params: Record<string, string> = {};
  // Copy own, string-valued parameters only: the context must not expose prototype tricks.
  const source = (req.params ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(source)) {
    const value = source[key];
    if (typeof value === 'string') params[key] = value;
  }
  const context: DecisionContext<R> = {
    principal: auth.principal,
    action: `${info.method ?? ''} ${info.route ?? ''}`.trim(),
    environment: extra === undefined ? { params: Object.freeze(params) } : { params: Object.freeze(params), ...extra },
    ...(state.resource !== undefined ? { resource: state.resource.value as R } : {}),
  };
  return context;
}

/** Audits a decision (allow or deny) with the request's method and route; never a token. */
export function auditDecision(
  instance: Portcullis,
  decision: Decision,
  auth: AuthContext | undefined,
  req: Request,
  info: AuditRequestInfo = auditRequestInfo(req),
): void {
  instance.auditDecision(
    decision.allowed ? { allowed: true, reason: decision.reason } : { allowed: false, error: decision.error, detail: decision.detail },
    auth,
    info,
  );
}

/** Audits a failure that happened before a rule could decide (a loader or request reader threw). */
export function auditFailure(instance: Portcullis, error: unknown, auth: AuthContext | undefined, req: Request, detail: string): void {
  instance.auditDecision({ allowed: false, error, detail }, auth, auditRequestInfo(req));
}

/** Evaluates a core rule for a request through the instance (which never throws), audits it, throws on deny. */
export function enforce<R>(
  instance: Portcullis,
  rule: Rule<R>,
  context: DecisionContext<R>,
  auth: AuthContext,
  req: Request,
  info?: AuditRequestInfo,
): void {
  const decision = instance.decide(rule, context);
  auditDecision(instance, decision, auth, req, info);
  if (!decision.allowed) throw decision.error;
}
