import type { AuthContext } from '@portcullis/nest';

/**
 * What authenticateRequest returned for a request before PortcullisGuard ran, per request object:
 * written by PreAuthMiddleware (Express) and PreAuthGuard (both platforms), read by
 * CompatController's /who-am-i to show that the guard reused that outcome.
 */
export const PRE_AUTHENTICATED = new WeakMap<object, AuthContext>();
