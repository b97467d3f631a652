import { describe, expect, it } from '@jest/globals';
import { authenticate, DEV_USERS, findUser } from '../src/users.js';

describe('seeded dev users', () => {
  it('are the five of the contract, with sub = user name', () => {
    expect([...DEV_USERS.values()].map((u) => [u.sub, u.orgId, [...u.roles]])).toEqual([
      ['alice', 'acme', ['customer']],
      ['bob', 'acme', ['customer']],
      ['carol', 'globex', ['customer']],
      ['sam', 'acme', ['support']],
      ['ada', 'acme', ['admin']],
    ]);
  });

  it('authenticates with the DEV ONLY password and nothing else', () => {
    expect(authenticate('alice', 'password')?.sub).toBe('alice');
    expect(authenticate('alice', 'Password')).toBeUndefined();
    expect(authenticate('alice', '')).toBeUndefined();
    expect(authenticate('mallory', 'password')).toBeUndefined();
    expect(authenticate('constructor', 'password')).toBeUndefined();
    expect(findUser('__proto__')).toBeUndefined();
  });

  it('cannot be changed at run time', () => {
    const alice = findUser('alice')!;
    expect(() => (alice.roles as string[]).push('admin')).toThrow(TypeError);
    expect(Object.isFrozen(alice)).toBe(true);
  });
});
