import { describe, expect, it } from '@jest/globals';
import { InMemoryRevocationStore, PortcullisError } from '@portcullis/nest';
import type { RevocationQuery, RevocationStore } from '@portcullis/nest';
import { OrgScopedRevocationStore } from '../../src/revocation/org-scoped-revocation-store.js';

const T = 1_900_000_000; // seconds
const nowMs = (T + 1) * 1000;

/** The query the verifier builds for a token of `sub` with these extra claims. */
function query(sub: string, extra: Record<string, unknown>, iat = T - 10, jti = `jti-${sub}-${iat}`): RevocationQuery {
  const claims = Object.freeze({ iss: 'https://as.example.test', sub, jti, iat, exp: iat + 900, ...extra });
  return Object.freeze({ jti, sub, iat, iss: claims.iss, claims });
}

function scopedInMemory(): OrgScopedRevocationStore {
  return new OrgScopedRevocationStore(new InMemoryRevocationStore({ now: () => nowMs }));
}

describe('OrgScopedRevocationStore', () => {
  it("revokes a subject's tokens in the admin's organisation only", () => {
    const store = scopedInMemory();
    store.revokeSubjectInOrg('acme', 'bob', T, T + 86_400);
    expect(store.isRevoked(query('bob', { org_id: 'acme' }))).toBe(true);
    expect(store.isRevoked(query('bob', { org_id: 'acme' }, T))).toBe(true); // issued in the revocation second
    expect(store.isRevoked(query('bob', { org_id: 'acme' }, T + 1))).toBe(false); // issued later
    // The same subject for another organisation, or without one, is out of this admin's reach.
    expect(store.isRevoked(query('bob', { org_id: 'globex' }))).toBe(false);
    expect(store.isRevoked(query('bob', {}))).toBe(false);
    // Other subjects of the organisation are unaffected.
    expect(store.isRevoked(query('alice', { org_id: 'acme' }))).toBe(false);
  });

  it('cannot be steered across organisations by separators in the organisation or the subject', () => {
    const store = scopedInMemory();
    store.revokeSubjectInOrg('a/b', 'c', T, T + 86_400);
    store.revokeSubjectInOrg('x', '","y', T, T + 86_400);
    expect(store.isRevoked(query('c', { org_id: 'a/b' }))).toBe(true);
    expect(store.isRevoked(query('b/c', { org_id: 'a' }))).toBe(false);
    expect(store.isRevoked(query('y', { org_id: 'x","' }))).toBe(false);
    expect(store.isRevoked(query('","y', { org_id: 'x' }))).toBe(true);
  });

  it('treats an organisation claim that is not a non-empty string as no organisation', () => {
    const store = scopedInMemory();
    store.revokeSubjectInOrg('acme', 'bob', T, T + 86_400);
    for (const org_id of [['acme'], { toString: () => 'acme' }, '', 42, null]) {
      expect(store.isRevoked(query('bob', { org_id }))).toBe(false);
    }
  });

  it('passes single-token revocations (logout) through, whatever the organisation', () => {
    const inner = new InMemoryRevocationStore({ now: () => nowMs });
    const store = new OrgScopedRevocationStore(inner);
    store.revokeToken('jti-1', T + 900);
    expect(inner.size).toBe(1);
    expect(store.isRevoked(query('bob', { org_id: 'acme' }, T - 10, 'jti-1'))).toBe(true);
    expect(store.isRevoked(query('bob', {}, T - 10, 'jti-1'))).toBe(true);
  });

  it('asks the inner store with the organisation-scoped subject and the rest of the query unchanged', async () => {
    const seen: RevocationQuery[] = [];
    const inner: RevocationStore = {
      revokeToken: () => undefined,
      revokeSubject: () => undefined,
      isRevoked: (q) => (seen.push(q), Promise.resolve(false)),
    };
    const q = query('bob', { org_id: 'acme' });
    await expect(new OrgScopedRevocationStore(inner).isRevoked(q)).resolves.toBe(false);
    expect(seen).toEqual([{ ...q, sub: '["acme","bob"]' }]);
    expect(seen[0]!.claims).toBe(q.claims);
  });

  it('fails closed (503) on a query without the claims set: it cannot be scoped', () => {
    const store = scopedInMemory();
    let error: unknown;
    try {
      store.isRevoked({ jti: 'j', sub: 'bob', iat: T, iss: 'https://as.example.test' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PortcullisError);
    expect(error).toMatchObject({ code: 'ERR_REVOCATION_UNAVAILABLE', status: 503 });
  });

  it('refuses unscoped subject revocations and empty names instead of writing entries nothing matches', () => {
    const store = scopedInMemory();
    expect(() => store.revokeSubject()).toThrow('subject revocations are per organisation, use revokeSubjectInOrg()');
    expect(() => store.revokeSubjectInOrg('', 'bob', T, T + 60)).toThrow("'orgId' must be a non-empty string");
    expect(() => store.revokeSubjectInOrg('acme', '', T, T + 60)).toThrow("'sub' must be a non-empty string");
    expect((store.inner as InMemoryRevocationStore).subjectCount).toBe(0);
  });

  it('passes the inner store’s leeway on, so the verifier checks it against its clock tolerance through the wrapper', () => {
    // Core refuses a store whose declared leeway is below clockTolerance (its own spec); the wrapper declares the inner one.
    expect(new OrgScopedRevocationStore(new InMemoryRevocationStore({ now: () => nowMs, leeway: 30 })).leeway).toBe(30);
    expect(new OrgScopedRevocationStore(new InMemoryRevocationStore({ now: () => nowMs, leeway: 65 })).leeway).toBe(65);
    const undeclared: RevocationStore = { isRevoked: () => false, revokeToken: () => undefined, revokeSubject: () => undefined };
    expect(new OrgScopedRevocationStore(undeclared).leeway).toBeUndefined();
  });
});
