import type { RevocationQuery, RevocationStore } from '@portcullis/core';

/** How the wrapped store misbehaves (fault injection, SPEC 132–134). */
export type RevocationFaultMode =
  /** Delegate to the real store. */
  | 'ok'
  /** Throw like a store whose backend refuses connections (SPEC 132). */
  | 'throw'
  /** Never answer (SPEC 133): the verifier's `revocationTimeout` must turn it into a 503. */
  | 'hang'
  /** Answer with something that is not a boolean (SPEC 134: unknown ≠ not revoked). */
  | 'malformed';

/**
 * A {@link RevocationStore} wrapper with a fault switch, put into the SPEC targets (a–c) so the
 * fault-injection suite can make the store throw, hang or answer garbage and later recover —
 * without restarting the target.
 */
export class FaultyRevocationStore implements RevocationStore {
  mode: RevocationFaultMode = 'ok';
  /** `isRevoked` calls, whatever the mode. */
  calls = 0;
  private readonly hanging = new Set<() => void>();

  constructor(readonly inner: RevocationStore) {}

  revokeToken(jti: string, expiresAt: number): void | Promise<void> {
    return this.inner.revokeToken(jti, expiresAt);
  }

  revokeSubject(sub: string, issuedAtOrBefore: number, retainUntil: number): void | Promise<void> {
    return this.inner.revokeSubject(sub, issuedAtOrBefore, retainUntil);
  }

  isRevoked(query: RevocationQuery): boolean | Promise<boolean> {
    this.calls++;
    switch (this.mode) {
      case 'ok':
        return this.inner.isRevoked(query);
      case 'throw':
        return Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' }));
      case 'hang':
        // Settles (as "revoked") only when the fault is cleared, so nothing leaks past a test.
        return new Promise<boolean>((resolve) => this.hanging.add(() => resolve(true)));
      case 'malformed':
        return 'no' as unknown as boolean;
    }
  }

  /** Back to normal; settles every hanging call. */
  heal(): void {
    this.mode = 'ok';
    for (const settle of this.hanging) settle();
    this.hanging.clear();
  }
}
