import type { AuditRequestInfo, AuthContext, Decision, DecisionContext, Portcullis, Rule } from '@portcullis/core';
import type { Request } from 'express';
import { auditRequestInfo } from './audit-request-info.js';
import { requestState } from './request-state.js';

/** The parameters of a route without any: one shared frozen object instead of one per request. */
const NO_PARAMS: Readonly<Record<string, string>> = Object.freeze({});

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
  // Copy own, string-valued parameters only: the context must not expose prototype tricks.
  const source = (req.params ?? {}) as Record<string, unknown>;
  let params: Readonly<Record<string, string>> = NO_PARAMS;
  for (const key of Object.keys(source)) {
    const value = source[key];
    if (typeof value !== 'string') continue;
    if (params === NO_PARAMS) params = {};
    (params as Record<string, string>)[key] = value;
  }
  if (params !== NO_PARAMS) Object.freeze(params);
  const context: { -readonly [K in keyof DecisionContext<R>]: DecisionContext<R>[K] } = {
    principal: auth.principal,
    action: `${info.method ?? ''} ${info.route ?? ''}`.trim(),
    environment: extra === undefined ? { params } : { params, ...extra },
  };
  if (state.resource !== undefined) context.resource = state.resource.value as R;
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
