import { describe, expect, it } from '@jest/globals';
import {
  createAuditEvent,
  denialAuditFields,
  emitAuditEvent,
  isAuditSinkEnabled,
  principalAuditFields,
} from '../../src/audit/create-audit-event.js';
import type { AuditEvent } from '../../src/audit/audit-event.js';
import { PortcullisError } from '../../src/errors/portcullis-error.js';
import { createPrincipalMapper } from '../../src/principal/create-principal-mapper.js';

const TOKEN =
  'eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCIsImtpZCI6ImsxIn0.eyJpc3MiOiJodHRwczovL2FzLmV4YW1wbGUudGVzdCIsInN1YiI6InVzZXItYWxpY2UifQ.c2lnbmF0dXJl';
const HASH = 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg';

describe('createAuditEvent', () => {
  it('builds a frozen event with an ISO UTC time', () => {
    const e = createAuditEvent(
      {
        decision: 'allow',
        reason: 'scopes:all(orders:read)',
        subject: 'alice',
        clientId: 'orders-web',
        tenant: 'acme',
        tokenId: 'jti-1',
        tokenHash: HASH,
        method: 'GET',
        route: '/orders/:id',
      },
      Date.UTC(2026, 11, 1, 12, 0, 0),
    );
    expect(e).toEqual({
      type: 'portcullis.decision',
      time: '2026-12-01T12:00:00.000Z',
      decision: 'allow',
      reason: 'scopes:all(orders:read)',
      subject: 'alice',
      clientId: 'orders-web',
      tenant: 'acme',
      tokenId: 'jti-1',
      tokenHash: HASH,
      method: 'GET',
      route: '/orders/:id',
    });
    expect(Object.isFrozen(e)).toBe(true);
  });

  it('defaults the reason and omits empty fields', () => {
    expect(createAuditEvent({ decision: 'allow' }, 0)).toEqual({
      type: 'portcullis.decision',
      time: '1970-01-01T00:00:00.000Z',
      decision: 'allow',
      reason: 'ALLOW',
    });
    expect(createAuditEvent({ decision: 'deny', subject: '' }, 0).reason).toBe('ERR_INTERNAL');
  });

  it('records anything but an explicit allow as a deny', () => {
    for (const decision of ['ALLOW', 'yes', '', undefined, true]) {
      const e = createAuditEvent({ decision } as unknown as Parameters<typeof createAuditEvent>[0], 0);
      expect(e.decision).toBe('deny');
      expect(e.reason).toBe('ERR_INTERNAL');
    }
  });

  it('never carries a token (SPEC A55)', () => {
    const e = createAuditEvent({
      decision: 'deny',
      reason: 'ERR_TOKEN_EXPIRED',
      route: `/orders?access_token=${TOKEN}`,
      detail: `failed for Bearer ${TOKEN} and ${TOKEN}`,
      subject: TOKEN,
      tokenHash: TOKEN,
    });
    const text = JSON.stringify(e);
    expect(text).not.toContain(TOKEN.split('.')[1]);
    expect(text).not.toContain('eyJhbGci');
    expect(e.route).toBe('/orders');
    expect(e.tokenHash).toBeUndefined();
    expect(e.detail).toContain('[redacted]');
  });

  it('strips query strings from routes and control characters from every field', () => {
    const e = createAuditEvent({
      decision: 'deny',
      route: '/orders/o-1?code=abc#frag',
      detail: 'line1\nFAKE log line\r',
    });
    expect(e.route).toBe('/orders/o-1');
    expect(e.detail).toBe('line1 FAKE log line ');
  });

  it('caps long values and drops non-strings and unknown fields', () => {
    const e = createAuditEvent({
      decision: 'deny',
      detail: 'x'.repeat(10_000),
      subject: 42 as unknown as string,
      extra: 'nope',
    } as unknown as Parameters<typeof createAuditEvent>[0]);
    expect(e.detail!.length).toBeLessThanOrEqual(257);
    expect(e.subject).toBeUndefined();
    expect(Object.keys(e)).not.toContain('extra');
  });
});

describe('audit field helpers', () => {
  it('takes subject, client, tenant and jti from a principal', () => {
    const p = createPrincipalMapper()({ iss: 'i', sub: 'alice', client_id: 'web', org_id: 'acme', jti: 'j1' });
    expect(principalAuditFields(p)).toEqual({ subject: 'alice', clientId: 'web', tenant: 'acme', tokenId: 'j1' });
    expect(principalAuditFields(undefined)).toEqual({});
  });

  it('describes a denial by code and claim name, never by value', () => {
    expect(denialAuditFields(new PortcullisError('ERR_CLAIM_INVALID', { claim: 'aud' }))).toEqual({
      reason: 'ERR_CLAIM_INVALID',
      detail: 'claim aud',
    });
    expect(denialAuditFields(new PortcullisError('ERR_FORBIDDEN', { reason: 'roles:any(admin): none held' }))).toEqual({
      reason: 'ERR_FORBIDDEN',
      detail: 'roles:any(admin): none held',
    });
    expect(denialAuditFields(new Error('db password hunter2'))).toEqual({
      reason: 'ERR_INTERNAL',
      detail: 'unexpected error',
    });
  });
});

describe('emitAuditEvent', () => {
  const event = createAuditEvent({ decision: 'allow' });

  it('delivers the event', () => {
    const seen: AuditEvent[] = [];
    emitAuditEvent((e) => seen.push(e), event);
    expect(seen).toEqual([event]);
  });

  it('swallows a throwing or rejecting sink', async () => {
    expect(() =>
      emitAuditEvent(() => {
        throw new Error('sink down');
      }, event),
    ).not.toThrow();
    emitAuditEvent((() => Promise.reject(new Error('async sink down'))) as unknown as (e: AuditEvent) => void, event);
    await new Promise((resolve) => setImmediate(resolve)); // an unhandled rejection would fail the test run
  });

  it('does nothing without a sink', () => {
    expect(() => emitAuditEvent(undefined, event)).not.toThrow();
  });
});

describe('createAuditEvent on repeated input (memoised sanitising and time)', () => {
  it('gives the same event every time, and still redacts on every call', () => {
    const fields = {
      decision: 'deny' as const,
      reason: 'ERR_TOKEN_EXPIRED',
      subject: 'alice',
      method: 'GET',
      route: `/orders?access_token=${TOKEN}`,
      detail: `failed for Bearer ${TOKEN}`,
      tokenHash: HASH,
    };
    const first = createAuditEvent(fields, 1_000);
    for (let i = 0; i < 3; i++) {
      const again = createAuditEvent(fields, 1_000);
      expect(again).toEqual(first);
      expect(again.route).toBe('/orders');
      expect(JSON.stringify(again)).not.toContain('eyJhbGci');
    }
    // A clean value seen before is still cut when it arrives with a query, and vice versa.
    expect(createAuditEvent({ decision: 'allow', route: '/orders' }, 0).route).toBe('/orders');
    expect(createAuditEvent({ decision: 'allow', route: '/orders?x=1' }, 0).route).toBe('/orders');
    // A token hash seen before is kept; a value that is not a hash is still dropped afterwards.
    expect(createAuditEvent({ decision: 'allow', tokenHash: HASH }, 0).tokenHash).toBe(HASH);
    expect(createAuditEvent({ decision: 'allow', tokenHash: 'not a hash!' }, 0).tokenHash).toBeUndefined();
  });

  it('formats each millisecond, and a broken clock still throws', () => {
    expect(createAuditEvent({ decision: 'allow' }, 1_000).time).toBe('1970-01-01T00:00:01.000Z');
    expect(createAuditEvent({ decision: 'allow' }, 1_000).time).toBe('1970-01-01T00:00:01.000Z');
    expect(createAuditEvent({ decision: 'allow' }, 1_001).time).toBe('1970-01-01T00:00:01.001Z');
    expect(() => createAuditEvent({ decision: 'allow' }, Number.NaN)).toThrow(RangeError);
    expect(createAuditEvent({ decision: 'allow' }, 1_001).time).toBe('1970-01-01T00:00:01.001Z');
  });

  it('treats many distinct values like few (the memo is bounded, answers unchanged)', () => {
    for (let i = 0; i < 3_000; i++) {
      expect(createAuditEvent({ decision: 'allow', subject: `user-${i}` }, 0).subject).toBe(`user-${i}`);
    }
    expect(createAuditEvent({ decision: 'allow', subject: 'a\nb' }, 0).subject).toBe('a b');
  });
});

describe('isAuditSinkEnabled', () => {
  const sink = (): void => undefined;
  it('is false without a sink, true without a check, and follows the check', () => {
    expect(isAuditSinkEnabled(undefined)).toBe(false);
    expect(isAuditSinkEnabled(sink)).toBe(true);
    expect(isAuditSinkEnabled(Object.assign(() => undefined, { isEnabled: () => false }))).toBe(false);
    expect(isAuditSinkEnabled(Object.assign(() => undefined, { isEnabled: () => true }))).toBe(true);
  });
  it('counts a throwing or non-boolean check as enabled', () => {
    const throwing = Object.assign(() => undefined, {
      isEnabled: (): boolean => {
        throw new Error('x');
      },
    });
    expect(isAuditSinkEnabled(throwing)).toBe(true);
    expect(isAuditSinkEnabled(Object.assign(() => undefined, { isEnabled: () => 0 as unknown as boolean }))).toBe(true);
  });
});
