import { Inject, Injectable, Logger } from '@nestjs/common';
import type { CanActivate, ExecutionContext, Type } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import { policy, PortcullisError } from '@portcullis/core';
import type { AuditRequestInfo, AuthContext, DecisionContext, Portcullis, Rule } from '@portcullis/core';
import type { PortcullisModuleOptions } from './interfaces/portcullis-module-options.interface.js';
import type { PortcullisPolicy } from './interfaces/portcullis-policy.interface.js';
import type { PortcullisRequestState } from './interfaces/portcullis-request-state.interface.js';
import type { ResourceResolver } from './interfaces/resource-resolver.interface.js';
import { authenticationMemo, replayOutcome } from './internal/authentication-memo.js';
import type { AuthenticationMemo } from './internal/authentication-memo.js';
import { compileRoute, ownershipRule } from './internal/compiled-route.js';
import type { CompiledRoute } from './internal/compiled-route.js';
import { ipOf, paramOf, requestInfo, setResponseHeaders, toHttpRequestLike } from './internal/http-platform.js';
import { authState, setState, stateOf } from './internal/request-state.js';
import type { OwnedResourceSpec } from './internal/route-metadata.js';
import { RouteRequirementsCache } from './internal/route-requirements.js';
import type { RouteRequirements } from './internal/route-requirements.js';
import { PortcullisHttpException } from './portcullis-http.exception.js';
import { PORTCULLIS_MODULE_OPTIONS } from './portcullis.module-definition.js';
import { PORTCULLIS } from './portcullis.constants.js';

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** An authenticated caller as the guard sees it: the token is absent when it came from `request.user`. */
export type GuardAuth = Pick<AuthContext, 'principal'> & Partial<Pick<AuthContext, 'token'>>;

/**
 * The deny-by-default guard that `PortcullisModule` registers globally (`APP_GUARD`).
 *
 * For every route: `@Public()` → allowed without a token. Otherwise the bearer token is
 * authenticated (401/400/503 on failure), then the route's rules — handler AND controller rules,
 * all of which must pass — are decided by core; a route without any rule is denied with 403
 * `ERR_NO_RULE`. Each allow and deny is audited once. On success the request carries
 * `request.portcullis = { principal, token, resource? }` and `request.user = principal`.
 *
 * Only HTTP is supported out of the box; other context types (`rpc`, `ws`, `graphql`) are denied
 * with 500 `ERR_INTERNAL` and a log line saying why, never let through. Support another transport
 * by subclassing and overriding the protected hooks `getRequest`, `getResponse`, `extractToken`
 * and `onDenied`.
 *
 * @example
 * ```ts
 * @Injectable()
 * export class GqlPortcullisGuard extends PortcullisGuard {
 *   // HTTP routes keep the base behaviour: the subclass replaces the global guard for them too.
 *   protected override getRequest(context: ExecutionContext) {
 *     if (context.getType<GqlContextType>() !== 'graphql') return super.getRequest(context);
 *     return GqlExecutionContext.create(context).getContext().req;
 *   }
 *   protected override getResponse(context: ExecutionContext) {
 *     if (context.getType<GqlContextType>() !== 'graphql') return super.getResponse(context);
 *     return GqlExecutionContext.create(context).getContext().res;
 *   }
 * }
 * ```
 */
@Injectable()
export class PortcullisGuard implements CanActivate {
  protected readonly logger = new Logger('Portcullis');
  private readonly requirements: RouteRequirementsCache;
  private readonly compiled = new WeakMap<RouteRequirements, CompiledRoute>();
  // The route decided last, and its compiled rules: most traffic hits a few routes in a row.
  private lastRequirements: RouteRequirements | undefined;
  private lastCompiled: CompiledRoute | undefined;
  private readonly ownershipRules = new WeakMap<OwnedResourceSpec, Rule>();
  private readonly instances = new Map<Type, unknown>();
  // Outcomes of `authenticateRequest(portcullis, request)` calls made by guards that ran before this
  // one, with this guard's instance only (see authentication-memo.ts).
  private readonly authentications: AuthenticationMemo;

  constructor(
    protected readonly reflector: Reflector,
    @Inject(PORTCULLIS) protected readonly portcullis: Portcullis,
    protected readonly moduleRef: ModuleRef,
    @Inject(PORTCULLIS_MODULE_OPTIONS) protected readonly options: PortcullisModuleOptions,
  ) {
    this.requirements = new RouteRequirementsCache(reflector);
    this.authentications = authenticationMemo(portcullis);
  }

  /**
   * Synchronous when it can be: a repeated token (verified-token cache hit, synchronous revocation
   * store) on a route whose rules need no I/O is decided without a promise. Anything that waits —
   * a first-sight token, an async revocation store, `@OwnedResource`, a `@Policy` class, or an
   * overridden hook that returns a promise — continues asynchronously. Same checks either way.
   */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const requirements = this.requirements.get(context.getClass(), context.getHandler());
    // Public routes need no request at all, so they work in any context type.
    if (requirements.isPublic) return true;
    let request: unknown;
    let auth: GuardAuth | undefined;
    try {
      const req = this.getRequest(context);
      if (typeof req !== 'object' || req === null) {
        // An overridden getRequest() that finds nothing is a set-up error, not an anonymous caller:
        // answered as one (500, logged), never as "no token".
        throw new PortcullisError('ERR_INTERNAL', {
          reason: `getRequest() returned no request object for ${this.handlerName(context)}`,
        });
      }
      request = req;
      const authenticated = this.authenticate(req, context);
      if (isPromiseLike(authenticated)) {
        return Promise.resolve(authenticated).then(
          (value) => this.authorizeAuthenticated(requirements, value, req, context),
          (error: unknown) => this.onDenied(error, context, request, undefined),
        );
      }
      auth = authenticated;
      return this.authorizeAuthenticated(requirements, auth, req, context);
    } catch (error) {
      return this.deny(error, context, request, auth);
    }
  }

  /**
   * A denial as a rejected promise: `canActivate` never throws synchronously, so a caller that
   * composes guards and expects a promise on failure (as with an `async canActivate`) still gets one.
   */
  private deny(
    error: unknown,
    context: ExecutionContext,
    request: unknown,
    auth: GuardAuth | undefined,
  ): Promise<never> {
    try {
      return this.onDenied(error, context, request, auth);
    } catch (denial) {
      return Promise.reject(denial);
    }
  }

  /** After authentication: attach, decide the route's rules, audit. Denials go to `onDenied`. */
  private authorizeAuthenticated(
    requirements: RouteRequirements,
    auth: GuardAuth,
    req: object,
    context: ExecutionContext,
  ): boolean | Promise<boolean> {
    try {
      this.attach(req, auth);
      if (!requirements.hasRules) {
        throw new PortcullisError('ERR_NO_RULE', {
          reason: `${this.handlerName(context)} has no rule and is not @Public()`,
        });
      }
      // Read once per request, for the decision context and the audit event (on Fastify the route
      // pattern comes from a getter that builds an object per call).
      const info = requestInfo(req);
      const reason = this.authorize(requirements, auth, req, context, info);
      if (isPromiseLike(reason)) {
        return Promise.resolve(reason).then(
          (value) => {
            try {
              this.audit({ allowed: true, reason: value }, auth, req, info);
            } catch (error) {
              return this.onDenied(error, context, req, auth);
            }
            return true;
          },
          (error: unknown) => this.onDenied(error, context, req, auth),
        );
      }
      this.audit({ allowed: true, reason }, auth, req, info);
      return true;
    } catch (error) {
      return this.deny(error, context, req, auth);
    }
  }

  /**
   * The request object of this context. HTTP only: any other context type is refused here, so a
   * transport this guard does not understand can never slip through unauthenticated.
   */
  protected getRequest(context: ExecutionContext): object {
    const type = context.getType<string>();
    if (type !== 'http') {
      throw new PortcullisError('ERR_INTERNAL', {
        reason:
          `PortcullisGuard denied a "${type}" call to ${this.handlerName(context)}: only HTTP is supported. ` +
          'Mark the handler @Public(), or subclass PortcullisGuard and override getRequest()/getResponse() for this transport.',
      });
    }
    // `switchToHttp().getRequest()` is `getArgByIndex(0)`, minus the three closures Nest's
    // `switchToHttp()` allocates on every call.
    return typeof context.getArgByIndex === 'function'
      ? context.getArgByIndex<object>(0)
      : context.switchToHttp().getRequest<object>();
  }

  /** The response object, where denial headers are set. `undefined` when there is none. */
  protected getResponse(context: ExecutionContext): unknown {
    return context.getType() === 'http' ? context.switchToHttp().getResponse<unknown>() : undefined;
  }

  /**
   * Returns a bearer token found somewhere other than the `Authorization` header (e.g. a WebSocket
   * handshake), or `undefined` to use core's RFC 6750 extraction from the request. The returned
   * token is verified exactly like a header token.
   */
  protected extractToken(_request: object, _context: ExecutionContext): string | undefined {
    return undefined;
  }

  /**
   * Authenticates the caller. Throws (or rejects with) a `PortcullisError` (401, 400 or 503) on
   * failure. Returns the result directly when core could decide without waiting (a repeated token);
   * an override may always return a promise.
   *
   * When a guard that ran earlier already called `authenticateRequest` with this guard's Portcullis
   * instance on this request, its outcome is reused — the same `AuthContext`, or the same error —
   * instead of authenticating again.
   */
  protected authenticate(request: object, context: ExecutionContext): GuardAuth | Promise<GuardAuth> {
    const token = this.extractToken(request, context);
    if (token !== undefined) return this.portcullis.authenticateToken(token);
    // Only after `extractToken` said "use core's extraction": the memo was made with exactly that
    // extraction, so it answers the same question. A token extracted elsewhere is verified itself.
    const earlier = this.authentications.get(request);
    if (earlier !== undefined) return replayOutcome(earlier);
    const req = toHttpRequestLike(request);
    // `authenticateMaybeSync` is optional on the Portcullis interface (test doubles may lack it).
    return this.portcullis.authenticateMaybeSync !== undefined
      ? this.portcullis.authenticateMaybeSync(req)
      : this.portcullis.authenticate(req);
  }

  /** Stores the auth state on the request (`request.portcullis`, and `request.user`). */
  protected attach(request: object, auth: GuardAuth): void {
    setState(request, authState(auth), true);
  }

  /**
   * Answers a denial: audits it, sets the challenge headers on the response (so even a custom
   * exception filter that only writes the body sends them), and throws a
   * `PortcullisHttpException`. Unexpected errors become 500 `ERR_INTERNAL`; their details are logged
   * here and never sent.
   */
  protected onDenied(error: unknown, context: ExecutionContext, request: unknown, auth: GuardAuth | undefined): never {
    const portcullisError =
      error instanceof PortcullisHttpException
        ? error.portcullisError
        : error instanceof PortcullisError
          ? error
          : new PortcullisError('ERR_INTERNAL', {
              cause: error,
              reason: `unexpected error while guarding ${this.handlerName(context)}`,
            });
    if (portcullisError.code === 'ERR_INTERNAL') {
      const cause = (portcullisError as { cause?: unknown }).cause;
      this.logger.error(
        portcullisError.reason ?? 'internal error in PortcullisGuard',
        cause instanceof Error ? cause.stack : undefined,
      );
    }
    this.audit({ allowed: false, error: portcullisError, detail: portcullisError.reason }, auth, request);
    const exception = new PortcullisHttpException(this.portcullis.toHttpResponse(portcullisError), portcullisError);
    let response: unknown;
    try {
      response = this.getResponse(context);
    } catch (failure) {
      // An overridden getResponse() that throws must not replace the denial with its own error:
      // the exception still carries the headers for the exception filter to send.
      this.logger.error(
        `getResponse() threw while answering a denial of ${this.handlerName(context)}`,
        failure instanceof Error ? failure.stack : undefined,
      );
    }
    setResponseHeaders(response, exception.headers);
    throw exception;
  }

  /**
   * Decides every rule of the route with core; throws the first denial's error. Returns the allow
   * reasons — directly when every rule needs only the principal, else (a resource to load, a
   * `@Policy` class) as a promise. An override may always return a promise.
   */
  protected authorize(
    requirements: RouteRequirements,
    auth: GuardAuth,
    request: object,
    context: ExecutionContext,
    info: AuditRequestInfo = requestInfo(request),
  ): string | Promise<string> {
    const route = this.compile(requirements);
    if (route.ownedResource === undefined && route.classPolicies.length === 0) {
      // Principal rules and resource-free rules only: nothing to wait for. Same order and same
      // reasons text (`; `-joined) as the general path below.
      const decisionContext = this.decisionContext(auth, request, context, info);
      let reasons = '';
      let count = 0;
      const rules = route.principalThenResourceRules;
      for (let i = 0; i < rules.length; i++) {
        const decision = this.portcullis.decide(rules[i]!, decisionContext);
        if (!decision.allowed) throw decision.error;
        reasons = count++ === 0 ? decision.reason : `${reasons}; ${decision.reason}`;
      }
      return reasons;
    }
    return this.authorizeWithResources(route, auth, request, context, info);
  }

  private decisionContext(
    auth: GuardAuth,
    request: object,
    context: ExecutionContext,
    info: AuditRequestInfo,
  ): DecisionContext {
    const { method, route: pattern } = info;
    return {
      principal: auth.principal,
      action: method && pattern ? `${method} ${pattern}` : this.handlerName(context),
      environment: {
        now: new Date(this.options.now ? this.options.now() : Date.now()),
        // Eager, on purpose: a lazy getter here would save Express its proxy-addr pass (≈ 0.4 µs) but
        // an accessor in an object literal costs V8 ≈ 0.3 µs on every request of every platform,
        // and a plain property survives spreads, Object.keys and JSON the way policies expect.
        ip: ipOf(request),
        params: (request as { params?: unknown }).params ?? {},
      },
    };
  }

  /** The route's rules when some need I/O: `@OwnedResource` loading, `@Policy` classes. */
  private async authorizeWithResources(
    route: CompiledRoute,
    auth: GuardAuth,
    request: object,
    context: ExecutionContext,
    info: AuditRequestInfo,
  ): Promise<string> {
    let decisionContext: DecisionContext = this.decisionContext(auth, request, context, info);
    const reasons: string[] = [];
    const check = (rule: Rule): void => {
      const decision = this.portcullis.decide(rule, decisionContext);
      if (!decision.allowed) throw decision.error;
      reasons.push(decision.reason);
    };

    route.principalRules.forEach(check);

    if (route.ownedResource) {
      const spec = route.ownedResource;
      const resolver = this.instance<ResourceResolver<unknown>>(spec.resolver, '@OwnedResource');
      const ownership = this.ownership(spec, resolver);
      // Caller-only denials (a client principal, a caller without a tenant) before the resolver
      // runs: nothing downstream for a caller refused whatever the resource.
      if (ownership.precheck?.(decisionContext) !== undefined) check(ownership);
      const resource = await this.loadResource(spec, resolver, auth, request);
      decisionContext = { ...decisionContext, resource };
      check(ownership);
      this.attachResource(request, resource);
    }

    route.resourceRules.forEach(check);

    for (const { name, type } of route.classPolicies) {
      const instance = this.instance<PortcullisPolicy>(type, '@Policy');
      let result: Awaited<ReturnType<PortcullisPolicy['evaluate']>>;
      try {
        result = await instance.evaluate(decisionContext, request);
      } catch (cause) {
        throw new PortcullisError('ERR_INTERNAL', { cause, reason: `policy ${name} threw` });
      }
      // The (possibly async) result is handed to core as a synchronous policy, so core validates it
      // and records the decision like any other rule.
      check(policy(name, () => result));
    }
    return reasons.join('; ');
  }

  private compile(requirements: RouteRequirements): CompiledRoute {
    if (requirements === this.lastRequirements) return this.lastCompiled!;
    let route = this.compiled.get(requirements);
    if (!route) {
      route = compileRoute(requirements);
      this.compiled.set(requirements, route);
    }
    this.lastRequirements = requirements;
    this.lastCompiled = route;
    return route;
  }

  private ownership(spec: OwnedResourceSpec, resolver: ResourceResolver<unknown>): Rule {
    let rule = this.ownershipRules.get(spec);
    if (!rule) {
      rule = ownershipRule(spec, resolver);
      this.ownershipRules.set(spec, rule);
    }
    return rule;
  }

  private async loadResource(
    spec: OwnedResourceSpec,
    resolver: ResourceResolver<unknown>,
    auth: GuardAuth,
    request: object,
  ): Promise<unknown> {
    const id = paramOf(request, spec.param);
    // No id: nothing to load. The ownership rule then answers the same 404 as for a missing resource.
    if (id === undefined || id === '') return undefined;
    try {
      return await resolver.load(id, auth.principal, request);
    } catch (cause) {
      // Never allow, never leak: the client gets a bare 500, the log gets the cause.
      throw new PortcullisError('ERR_INTERNAL', { cause, reason: `${spec.resolver.name}.load() threw` });
    }
  }

  private attachResource(request: object, resource: unknown): void {
    const state = stateOf(request);
    if (state) setState(request, { ...state, resource } as PortcullisRequestState, false);
  }

  /** Resolves an injectable (resolver or policy class) from any module, once. */
  private instance<T>(type: Type, usedBy: string): T {
    let instance = this.instances.get(type);
    if (instance === undefined) {
      try {
        instance = this.moduleRef.get(type, { strict: false });
      } catch (cause) {
        throw new PortcullisError('ERR_INTERNAL', {
          cause,
          reason: `${type.name} (used by ${usedBy}) is not a provider: add it to the providers of a module`,
        });
      }
      this.instances.set(type, instance);
    }
    return instance as T;
  }

  private audit(
    outcome: { allowed: true; reason: string } | { allowed: false; error: unknown; detail?: string },
    auth: GuardAuth | undefined,
    request: unknown,
    info: AuditRequestInfo = requestInfo(request),
  ): void {
    if (auth === undefined || auth.token !== undefined) {
      this.portcullis.auditDecision(outcome, auth as AuthContext | undefined, info);
      return;
    }
    // A principal mapped from `request.user` has no verified token here: same event, no token fields.
    const { principal } = auth;
    this.portcullis.audit({
      decision: outcome.allowed ? 'allow' : 'deny',
      reason: outcome.allowed
        ? outcome.reason
        : outcome.error instanceof PortcullisError
          ? outcome.error.code
          : 'ERR_INTERNAL',
      subject: principal.subject,
      clientId: principal.clientId,
      tenant: principal.tenant,
      tokenId: principal.tokenId,
      ...info,
      ...(outcome.allowed ? {} : outcome.detail ? { detail: outcome.detail } : {}),
    });
  }

  protected handlerName(context: ExecutionContext): string {
    return `${context.getClass()?.name ?? 'unknown'}.${context.getHandler()?.name ?? 'unknown'}`;
  }
}
