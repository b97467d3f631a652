import type { AuthContext, Portcullis } from '@portcullis/core';
import type { Request } from 'express';
import { authenticateRequestMaybeSync } from './internal/authenticate-request.js';
import { isPortcullisInstance } from './internal/is-portcullis-instance.js';
import type { PortcullisMiddleware } from './portcullis.js';

/** The instance behind `portcullis`: the instance itself, or a gate's `.portcullis`. */
function instanceOf(portcullis: unknown): Portcullis | undefined {
  if (isPortcullisInstance(portcullis)) return portcullis;
  if (typeof portcullis === 'function' || (typeof portcullis === 'object' && portcullis !== null)) {
    const inner = (portcullis as { portcullis?: unknown }).portcullis;
    if (isPortcullisInstance(inner)) return inner;
  }
  return undefined;
}

/**
 * Authenticates an Express request the way the `portcullis()` gate does, for middleware mounted
 * **before** the gate — typically a rate limiter keyed on the verified caller.
 *
 * The outcome is remembered for this request and this Portcullis instance, failures included,
 * and the gate (and every rule after it) reuses it instead of authenticating again: one bearer
 * extraction, one verification and one revocation lookup per request. A failing token rejects
 * here with the `PortcullisError` (401, 400 or 503) that the gate then passes to
 * `portcullisErrorHandler()`; a failure is audited once. Calling this again for the same request
 * returns the same outcome. On success `req.auth` is set, as the gate sets it.
 *
 * Security: the outcome is kept in request state private to `@portcullis/express` (a
 * non-enumerable, non-writable symbol-keyed property only this package writes), so nothing a
 * client sends can pre-populate or select it. An outcome produced by another Portcullis instance
 * is never reused: pass the gate (or the instance it was created with), or the gate authenticates
 * again. This function does not make the request public or authenticated by itself: the gate
 * still decides (`publicPaths` are still let through, whatever happened here).
 *
 * @param portcullis The gate returned by `portcullis(options)`, or the Portcullis instance it uses.
 * @param req The Express request itself (not its headers or a copy).
 * @returns The verified principal and token. Rejects with a `PortcullisError` on any failure, and
 *   with a `TypeError` when the arguments are not a gate or instance and a request.
 *
 * @example
 * ```ts
 * import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
 * import { authenticateRequest, portcullis, portcullisErrorHandler } from '@portcullis/express';
 *
 * const gate = portcullis(options);
 * app.use(
 *   rateLimit({
 *     windowMs: 60_000,
 *     limit: 100,
 *     keyGenerator: async (req) => {
 *       const ip = `ip:${ipKeyGenerator(req.ip ?? '')}`;
 *       if (req.headers.authorization === undefined) return ip;
 *       try {
 *         const { principal } = await authenticateRequest(gate, req);
 *         return `principal:${principal.issuer}:${principal.subject}`;
 *       } catch {
 *         return ip; // the gate answers this request with the same error
 *       }
 *     },
 *   }),
 * );
 * app.use(gate); // reuses the outcome: no second verification or revocation lookup
 * app.get('/orders', requireScopes('orders:read'), listOrders);
 * app.use(portcullisErrorHandler());
 * ```
 */
export async function authenticateRequest(
  portcullis: Portcullis | PortcullisMiddleware,
  req: Request,
): Promise<AuthContext> {
  // `async`: a failure decided synchronously is a rejection too, never a synchronous throw.
  const instance = instanceOf(portcullis);
  if (instance === undefined) {
    throw new TypeError(
      'authenticateRequest: pass the gate returned by portcullis(options), or the Portcullis instance it uses (createPortcullis(...))',
    );
  }
  if (typeof req !== 'object' || req === null || typeof (req as { headers?: unknown }).headers !== 'object') {
    throw new TypeError('authenticateRequest: pass the Express request (req) itself, not its headers or a copy');
  }
  // The explicit instance: `state.portcullis` is left alone, since the gate that runs later (or
  // another gate, with another instance) is the one in charge of the request.
  return authenticateRequestMaybeSync(req, instance);
}
