import type { AuthContext } from '@portcullis/core';
import type { Request } from 'express';

/**
 * What Portcullis puts on `req.auth`: the authenticated principal, the verified token and, after
 * `requireOwnership`, the loaded resource. Frozen; a new object is set when the resource is added.
 *
 * This is a view for handlers. Portcullis's own decisions never read `req.auth` back, so code
 * that overwrites it (or another library using the same property) cannot change a decision.
 *
 * @example
 * ```ts
 * app.get('/me', requireAuthentication(), (req, res) => {
 *   const auth: PortcullisAuth | undefined = req.auth;
 *   res.json({ subject: auth?.principal.subject });
 * });
 * ```
 */
export interface PortcullisAuth<R = unknown> extends AuthContext {
  /** The resource loaded by `requireOwnership` (absent before it ran). */
  readonly resource?: R;
}

/**
 * An Express request that went through Portcullis: `auth` is present. Use it to type handlers
 * mounted behind a rule; `R` types the loaded resource.
 *
 * @example
 * ```ts
 * app.get('/orders/:id', ownOrder, (req, res) => {
 *   const { principal, resource } = (req as AuthenticatedRequest<Order>).auth;
 *   res.json({ viewer: principal.subject, order: resource });
 * });
 * ```
 */
export type AuthenticatedRequest<R = unknown> = Request & { auth: PortcullisAuth<R> };

// Module augmentation: every Express `Request` gets a typed, optional `auth`. It is part of the
// package's public types because the barrel re-exports `PortcullisAuth` from this file, so a
// consumer's compiler loads it as soon as it imports anything from '@portcullis/express'.
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- the only way to augment Express's global Request type
  namespace Express {
    interface Request {
      /** Set by Portcullis after a successful authentication; `undefined` on public routes. */
      auth?: PortcullisAuth;
    }
  }
}
