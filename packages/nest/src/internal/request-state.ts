import type { PortcullisRequestState } from '../interfaces/portcullis-request-state.interface.js';

/** Property under which the guard stores its state on the request. */
export const STATE_PROPERTY = 'portcullis';

export function stateOf(request: unknown): PortcullisRequestState | undefined {
  if (typeof request !== 'object' || request === null) return undefined;
  return (request as Record<string, unknown>)[STATE_PROPERTY] as PortcullisRequestState | undefined;
}

/**
 * Stores the state as `request.portcullis` and the principal as `request.user` (what code written
 * for passport reads). Both are replaced as a whole: nothing the client sent can pre-populate them.
 */
export function setState(request: object, state: PortcullisRequestState, setUser: boolean): void {
  const target = request as Record<string, unknown>;
  target[STATE_PROPERTY] = Object.freeze({ ...state });
  if (setUser) target.user = state.principal;
}
