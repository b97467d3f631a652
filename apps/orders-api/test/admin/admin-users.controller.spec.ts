import { describe, expect, it } from '@jest/globals';
import { InMemoryRevocationStore } from '@portcullis/nest';
import { AdminUsersController } from '../../src/admin/admin-users.controller.js';
import { OrgScopedRevocationStore } from '../../src/revocation/org-scoped-revocation-store.js';

describe('AdminUsersController', () => {
  it('refuses to start on a revocation store that is not scoped by organisation', () => {
    // Unscoped, an admin of one org could revoke every other org's users.
    expect(() => new AdminUsersController(new InMemoryRevocationStore(), Date.now)).toThrow(
      'AdminUsersController needs the OrgScopedRevocationStore as REVOCATION_STORE',
    );
    expect(
      () => new AdminUsersController(new OrgScopedRevocationStore(new InMemoryRevocationStore()), Date.now),
    ).not.toThrow();
  });
});
