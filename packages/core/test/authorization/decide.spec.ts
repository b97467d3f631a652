import { describe, expect, it } from '@jest/globals';
import { allow, decide, deny } from '../../src/authorization/decide.js';
import type { Deny, Rule } from '../../src/authorization/rule.js';
import { PortcullisError } from '../../src/errors/portcullis-error.js';
import { alice } from './fixtures.js';

const ruleOf = (evaluate: Rule['evaluate']): Rule => ({ kind: 'custom', description: 'custom', evaluate });

describe('allow / deny', () => {
  it('builds frozen decisions', () => {
    const a = allow('because');
    expect(a).toEqual({ allowed: true, reason: 'because' });
    expect(Object.isFrozen(a)).toBe(true);
    const d = deny('ERR_INSUFFICIENT_SCOPE', 'missing orders:write', { requiredScopes: ['orders:write'] });
    expect(d.allowed).toBe(false);
    expect(d.reason).toBe('ERR_INSUFFICIENT_SCOPE');
    expect(d.detail).toBe('missing orders:write');
    expect(d.error).toBeInstanceOf(PortcullisError);
    expect(d.error.requiredScopes).toEqual(['orders:write']);
    expect(d.error.reason).toBe('missing orders:write');
    expect(Object.isFrozen(d)).toBe(true);
  });

  it('refuses unknown codes and non-string details', () => {
    expect(() => deny('ERR_NOPE' as 'ERR_FORBIDDEN', 'x')).toThrow(TypeError);
    expect(() => deny('ERR_FORBIDDEN', 1 as unknown as string)).toThrow(TypeError);
    expect(() => allow(undefined as unknown as string)).toThrow(TypeError);
  });
});

describe('decide', () => {
  it('returns the rule’s decision', () => {
    expect(
      decide(
        ruleOf(() => allow('ok')),
        { principal: alice },
      ),
    ).toEqual({ allowed: true, reason: 'ok' });
  });

  it.each<[string, Rule['evaluate']]>([
    [
      'a throwing rule',
      () => {
        throw new Error('boom');
      },
    ],
    ['undefined', () => undefined as never],
    ['a truthy object', () => ({ allowed: 'yes', reason: 'x' }) as never],
    ['{ allowed: true } without reason', () => ({ allowed: true }) as never],
    ['a deny without error', () => ({ allowed: false, reason: 'ERR_FORBIDDEN' }) as never],
    ['a promise (async rule)', () => Promise.resolve(allow('ok')) as never],
    ['a rejected promise', () => Promise.reject(new Error('x')) as never],
  ])('turns %s into an ERR_INTERNAL deny, never an allow', (_name, evaluate) => {
    const d = decide(ruleOf(evaluate), { principal: alice }) as Deny;
    expect(d.allowed).toBe(false);
    expect(d.reason).toBe('ERR_INTERNAL');
  });

  it('never throws, even for a broken rule object', () => {
    for (const rule of [null, undefined, {}, { evaluate: 'x' }, 42]) {
      expect((decide(rule as unknown as Rule, { principal: alice }) as Deny).reason).toBe('ERR_INTERNAL');
    }
    const getterRule = Object.defineProperty({ evaluate: () => allow('x') }, 'kind', {
      get() {
        throw new Error('kind');
      },
    }) as unknown as Rule;
    expect((decide(getterRule, { principal: alice }) as Deny).reason).toBe('ERR_INTERNAL');
  });

  it('keeps the cause of a throwing rule for logs, not in the message', () => {
    const d = decide(
      ruleOf(() => {
        throw new Error('secret detail');
      }),
      { principal: alice },
    ) as Deny;
    expect(d.error.message).toBe('Internal error');
    expect((d.error.cause as Error).message).toBe('secret detail');
  });
});
