import { createHash, timingSafeEqual } from 'node:crypto';

/** Roles the orders API understands (`admin` inherits `support` there). */
export type DevUserRole = 'customer' | 'support' | 'admin';

/** A seeded DEV ONLY user. `sub` equals the user name. */
export interface DevUser {
  readonly sub: string;
  readonly orgId: string;
  readonly roles: readonly DevUserRole[];
}

/**
 * DEV ONLY password of every seeded user. This server is a local reference, not an identity
 * provider: there is no user store, no password hashing and no lockout.
 */
export const DEV_PASSWORD = 'password';

/** The seeded users, by `sub`. */
export const DEV_USERS: ReadonlyMap<string, DevUser> = new Map(
  (
    [
      { sub: 'alice', orgId: 'acme', roles: ['customer'] },
      { sub: 'bob', orgId: 'acme', roles: ['customer'] },
      { sub: 'carol', orgId: 'globex', roles: ['customer'] },
      { sub: 'sam', orgId: 'acme', roles: ['support'] },
      { sub: 'ada', orgId: 'acme', roles: ['admin'] },
    ] satisfies DevUser[]
  ).map((user) => [user.sub, Object.freeze({ ...user, roles: Object.freeze([...user.roles]) })]),
);

/**
 * Looks a seeded user up by `sub` (own keys only: `constructor` or `__proto__` find nothing).
 *
 * @example
 * findUser('alice')?.orgId; // 'acme'
 */
export function findUser(sub: string): DevUser | undefined {
  return DEV_USERS.get(sub);
}

/**
 * Checks a user name and password; returns the user or `undefined`.
 * The comparison is constant-time over fixed-length digests, and an unknown user costs the same.
 *
 * @example
 * authenticate('alice', 'password')?.sub; // 'alice'
 */
export function authenticate(username: string, password: string): DevUser | undefined {
  const user = findUser(username);
  const given = createHash('sha256').update(password, 'utf8').digest();
  const expected = createHash('sha256').update(DEV_PASSWORD, 'utf8').digest();
  const ok = timingSafeEqual(given, expected);
  return ok && user !== undefined ? user : undefined;
}
