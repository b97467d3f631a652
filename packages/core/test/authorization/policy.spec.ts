import { describe, expect, it } from '@jest/globals';
import { allow, decide, deny } from '../../src/authorization/decide.js';
import { policy, type PolicyFunction } from '../../src/authorization/policy.js';
import type { Deny } from '../../src/authorization/rule.js';
import { alice, principalOf } from './fixtures.js';

interface Report {
  readonly sensitivity: number;
}

/** The seed's ABAC example: clearance ≥ sensitivity, during business hours (08:00–18:00 UTC, Mon–Fri). */
const readReport: PolicyFunction<Report | undefined> = ({ principal, resource, now, action }) => {
  const clearance = principal.claims['clearance'];
  if (typeof clearance !== 'number' || resource === undefined) return false;
  const day = now.getUTCDay();
  const hour = now.getUTCHours();
  if (day === 0 || day === 6 || hour < 8 || hour >= 18) return deny('ERR_FORBIDDEN', 'outside business hours');
  if (action === 'reports:export' && clearance < 5) return deny('ERR_FORBIDDEN', 'export needs clearance 5');
  return clearance >= resource.sensitivity
    ? allow('clearance suffices')
    : deny('ERR_FORBIDDEN', 'clearance below sensitivity');
};
const rule = policy('read-report', readReport);

const tuesdayNoon = new Date('2026-12-01T12:00:00Z');
const tuesdayNight = new Date('2026-12-01T22:00:00Z');
const saturdayNoon = new Date('2026-12-05T12:00:00Z');
const cleared = principalOf({ sub: 'user-bob', clearance: 3 });
const uncleared = principalOf({ sub: 'user-bob', clearance: 2 });

describe('policy (ABAC)', () => {
  it('allows clearance ≥ sensitivity in business hours', () => {
    expect(
      decide(rule, { principal: cleared, resource: { sensitivity: 3 }, environment: { now: tuesdayNoon } }),
    ).toEqual({
      allowed: true,
      reason: 'clearance suffices',
    });
  });

  it('denies clearance < sensitivity', () => {
    const d = decide(rule, {
      principal: uncleared,
      resource: { sensitivity: 3 },
      environment: { now: tuesdayNoon },
    }) as Deny;
    expect(d.reason).toBe('ERR_FORBIDDEN');
    expect(d.detail).toBe('clearance below sensitivity');
  });

  it('denies outside business hours and at weekends', () => {
    for (const now of [tuesdayNight, saturdayNoon]) {
      const d = decide(rule, { principal: cleared, resource: { sensitivity: 1 }, environment: { now } }) as Deny;
      expect(d.detail).toBe('outside business hours');
    }
  });

  it('looks at the action', () => {
    const d = decide(rule, {
      principal: cleared,
      resource: { sensitivity: 1 },
      action: 'reports:export',
      environment: { now: tuesdayNoon },
    }) as Deny;
    expect(d.detail).toBe('export needs clearance 5');
  });

  it('denies when the claim is missing or has the wrong type', () => {
    expect(
      decide(rule, { principal: alice, resource: { sensitivity: 0 }, environment: { now: tuesdayNoon } }).allowed,
    ).toBe(false);
    const stringly = principalOf({ sub: 'x', clearance: '9' });
    expect(
      decide(rule, { principal: stringly, resource: { sensitivity: 0 }, environment: { now: tuesdayNoon } }).allowed,
    ).toBe(false);
  });

  it('maps true/false to allow and ERR_FORBIDDEN', () => {
    expect(
      decide(
        policy('yes', () => true),
        { principal: alice },
      ),
    ).toEqual({ allowed: true, reason: 'policy:yes' });
    const d = decide(
      policy('no', () => false),
      { principal: alice },
    ) as Deny;
    expect(d.reason).toBe('ERR_FORBIDDEN');
    expect(d.detail).toBe('policy:no: denied');
  });

  it('defaults now to the current time', () => {
    let seen: Date | undefined;
    const before = Date.now();
    decide(
      policy('clock', ({ now }) => {
        seen = now;
        return true;
      }),
      { principal: alice },
    );
    expect(seen).toBeInstanceOf(Date);
    expect(seen!.getTime()).toBeGreaterThanOrEqual(before);
  });

  it('fails closed: a throw, a truthy non-boolean or a promise is ERR_INTERNAL, never an allow', () => {
    const cases: PolicyFunction[] = [
      () => {
        throw new Error('db down');
      },
      () => 1 as unknown as boolean,
      () => 'yes' as unknown as boolean,
      () => ({ allowed: true }) as unknown as boolean,
      () => Promise.resolve(true) as unknown as boolean,
      () => Promise.reject(new Error('later')) as unknown as boolean,
      () => undefined as unknown as boolean,
    ];
    for (const fn of cases) {
      const d = decide(policy('broken', fn), { principal: alice }) as Deny;
      expect(d.allowed).toBe(false);
      expect(d.reason).toBe('ERR_INTERNAL');
      expect(d.error.status).toBe(500);
    }
  });

  it('validates its arguments', () => {
    expect(() => policy('', () => true)).toThrow(TypeError);
    expect(() => policy('x', 'fn' as unknown as PolicyFunction)).toThrow(TypeError);
  });
});
