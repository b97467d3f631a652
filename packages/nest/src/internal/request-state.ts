import type { Principal, VerifiedToken } from '@portcullis/core';
import type { PortcullisRequestState } from '../interfaces/portcullis-request-state.interface.js';

/** Property under which the guard stores its state on the request. */
export const STATE_PROPERTY = 'portcullis';

/**
 * Every state object {@link setState} stored: only Portcullis (the guards, the passport strategy)
 * adds to it, and only frozen objects it stored are in it. Shared through a registered symbol, like
 * the metadata keys, so two copies of this package (ESM and CJS, say) still accept each other's
 * states; what it keeps out is data, never code running in the process.
 */
const STATES = Symbol.for('portcullis.nest.RequestStates');
const stored: WeakSet<object> = ((globalThis as Record<symbol, unknown>)[STATES] ??= new WeakSet<object>()) as WeakSet<object>;

/**
 * The state Portcullis stored on `request`, or `undefined`. A `portcullis` property that anything
 * else put there is ignored: in a non-HTTP context argument 0 may be a message payload the sender
 * chose (an RPC `@Public()` handler) or a GraphQL parent object, and a middleware may copy client
 * data onto the request — none of that may become a principal for `@CurrentPrincipal()` or
 * `PortcullisRulesGuard`.
 */
export function stateOf(request: unknown): PortcullisRequestState | undefined {
  if (typeof request !== 'object' || request === null) return undefined;
  const state = (request as Record<string, unknown>)[STATE_PROPERTY];
  return typeof state === 'object' && state !== null && stored.has(state)
    ? (state as PortcullisRequestState)
    : undefined;
}

/**
 * Stores the state as `request.portcullis` and the principal as `request.user` (what code written
 * for passport reads). Both are replaced as a whole: nothing the client sent can pre-populate them.
 */
export function setState(request: object, state: PortcullisRequestState, setUser: boolean): void {
  const target = request as Record<string, unknown>;
  // A frozen state is stored as it is (nothing can change it); anything else is copied, then frozen.
  const frozen = Object.isFrozen(state) ? state : Object.freeze({ ...state });
  stored.add(frozen);
  target[STATE_PROPERTY] = frozen;
  if (setUser) target.user = state.principal;
}

/** Authentication states already built, per auth object (core returns the same one for a repeated token). */
const authStates = new WeakMap<object, PortcullisRequestState>();

/**
 * The frozen `{ principal, token? }` state for an authentication. Built once per *frozen* auth
 * object: core returns the same frozen auth context for a repeated token, so its requests share one
 * frozen state. An auth object that is not frozen could change, so it gets a new state every time;
 * nor is one remembered for a token verified just now (`cached: false`), which never comes back.
 */
export function authState(auth: {
  readonly principal: Principal;
  readonly token?: VerifiedToken;
}): PortcullisRequestState {
  // A first sight (`cached: false`) is never seen again: it is not remembered either.
  const shared = Object.isFrozen(auth) && auth.token?.cached !== false;
  let state = shared ? authStates.get(auth) : undefined;
  if (state === undefined) {
    state = Object.freeze({ principal: auth.principal, ...(auth.token ? { token: auth.token } : {}) });
    if (shared) authStates.set(auth, state);
  }
  return state;
}
