import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeJwt } from 'jose';
import { createTestIssuer } from '../src/index.js';
import type { TestIssuer } from '../src/index.js';

describe('issuer.clock', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await createTestIssuer({ serve: 'none', algorithms: ['ES256'] });
  });
  afterAll(() => issuer.close());

  it('follows real time until frozen', () => {
    issuer.clock.unfreeze();
    const before = Date.now();
    const now = issuer.clock.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
    expect(issuer.clock.frozen).toBe(false);
  });

  it('freeze(ms) pins the time; tokens take iat/exp from it, floored to seconds', async () => {
    issuer.clock.freeze(1_900_000_000_999);
    expect(issuer.clock.now()).toBe(1_900_000_000_999);
    const payload = decodeJwt(await issuer.token());
    expect(payload.iat).toBe(1_900_000_000);
    expect(payload.exp).toBe(1_900_000_300);
  });

  it('advance(seconds) moves a frozen clock, also backwards', () => {
    issuer.clock.freeze(1_000_000);
    issuer.clock.advance(301);
    expect(issuer.clock.now()).toBe(1_301_000);
    issuer.clock.advance(-1.5);
    expect(issuer.clock.now()).toBe(1_299_500);
  });

  it('advance() on a running clock freezes it at the current time first', () => {
    issuer.clock.unfreeze();
    const before = Date.now();
    issuer.clock.advance(60);
    const frozenAt = issuer.clock.now();
    expect(issuer.clock.frozen).toBe(true);
    expect(frozenAt).toBeGreaterThanOrEqual(before + 60_000);
    expect(frozenAt).toBeLessThanOrEqual(Date.now() + 60_000);
  });

  it('freeze() without an argument freezes at the current time', () => {
    issuer.clock.unfreeze();
    issuer.clock.freeze();
    const a = issuer.clock.now();
    expect(issuer.clock.now()).toBe(a);
  });

  it('now is safe to call unbound (it is handed to verifiers as a function)', () => {
    issuer.clock.freeze(42_000);
    const { now } = issuer.clock;
    expect(now()).toBe(42_000);
    expect(issuer.verifierOptions().now()).toBe(42_000);
  });

  it('the `now` option starts the clock frozen', async () => {
    const other = await createTestIssuer({ serve: 'none', algorithms: ['ES256'], now: 5_000 });
    expect(other.clock.frozen).toBe(true);
    expect(other.clock.now()).toBe(5_000);
    await other.close();
  });

  it('refuses non-finite input', () => {
    expect(() => issuer.clock.advance(Number.NaN)).toThrow(TypeError);
    expect(() => issuer.clock.freeze(Number.POSITIVE_INFINITY)).toThrow(TypeError);
  });
});
