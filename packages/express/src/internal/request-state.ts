import type { AuthContext, Portcullis } from '@portcullis/core';

/**
 * Where a Portcullis check passed. A pass only counts for handlers in the same place:
 * - a `Route` object: the check ran inside that route's own stack;
 * - a deny-by-default router function: the check ran as router-level middleware of it;
 * - {@link GLOBAL_SCOPE}: the check ran outside any deny-by-default router (e.g. `app.use(rule)`),
 *   or the gate let the request through as public (`publicPaths`).
 */
export type PassScope = object;

/** Scope of checks that ran outside every deny-by-default router. */
export const GLOBAL_SCOPE: PassScope = Object.freeze({ scope: 'global' });

/** One check that passed: a rule that allowed, or an explicit public marker. */
export interface Pass {
  readonly scope: PassScope;
  /** `true` for `publicRoute()` and `publicPaths`: no authentication happened. */
  readonly public: boolean;
  /**
   * The instance in charge when the check passed. A rule's pass counts only while that instance
   * is still in charge: a rule decided on another instance's principal (another issuer, audience
   * or claims mapping) proves nothing inside a router that authenticates with its own.
   */
  readonly instance: Portcullis | undefined;
}

/**
 * Per-request bookkeeping of the Express adapter. Kept under a module-private symbol, never on a
 * property a client or another library could set: `req.auth` is only a *view* for handlers, and
 * decisions never read it back (another middleware — `express-jwt` uses the same name — may
 * have written it).
 */
export interface RequestState {
  /** The instance that authenticates this request (set by the gate or a configured router). */
  portcullis: Portcullis | undefined;
  /**
   * Memoised authentication: one verification per request and instance, however many rules ask.
   * `result` is the auth context itself when it was decided synchronously, else the promise.
   */
  authentication: { readonly instance: Portcullis; readonly result: AuthContext | Promise<AuthContext> } | undefined;
  /** The verified authentication, once known. */
  auth: AuthContext | undefined;
  /** The instance `auth` came from (a later instance's pending authentication must not reuse it). */
  authenticatedBy: Portcullis | undefined;
  /** The resource loaded by `requireOwnership`, for later rules (policies, tenant) and handlers. */
  resource: { readonly value: unknown } | undefined;
  /** Checks that passed so far. */
  readonly passes: Pass[];
  /** Deny-by-default routers currently handling the request, outermost first. */
  readonly routers: object[];
}

const STATE = Symbol('portcullis.express.request-state');

type Carrier = { [STATE]?: RequestState };

/** How `util.inspect` (console.log, most loggers' pretty printers) shows a request's state. */
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * The state object. A class so that every request's state has one shape, and so that printing a
 * request shows a one-line placeholder instead of the principal and claims it holds.
 */
class State implements RequestState {
  portcullis: Portcullis | undefined = undefined;
  authentication: RequestState['authentication'] = undefined;
  auth: AuthContext | undefined = undefined;
  authenticatedBy: Portcullis | undefined = undefined;
  resource: RequestState['resource'] = undefined;
  readonly passes: Pass[] = [];
  readonly routers: object[] = [];

  [INSPECT](): string {
    return '[Portcullis request state]';
  }
}

/** The adapter state of a request, created on first use. */
export function requestState(req: object): RequestState {
  const carrier = req as Carrier;
  let state = carrier[STATE];
  if (state === undefined) {
    // A plain assignment under a module-private symbol, not `Object.defineProperty`: this runs on
    // every request, and defining a non-enumerable property is a slow path in V8 (measured ≈ 0.3 µs
    // hot, more in a server). What hiding it bought is kept otherwise: symbol keys never appear in
    // `JSON.stringify`, `Object.keys` or `for…in`; `util.inspect` shows the placeholder above; and
    // the state holds no raw token (a request's own `Authorization` header is more sensitive).
    state = new State();
    carrier[STATE] = state;
  }
  return state;
}
