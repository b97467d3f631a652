/**
 * The adapter's per-request state: one object per request, created on first use, and invisible to
 * the ways apps usually print or serialise a request (it holds the principal and the claims).
 */
import { inspect } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { requestState } from '../../src/internal/request-state.js';

describe('requestState', () => {
  it('creates the state on first use and returns the same object afterwards', () => {
    const req = { method: 'GET' };
    const state = requestState(req);
    expect(state).toMatchObject({ portcullis: undefined, auth: undefined, passes: [], routers: [] });
    state.passes.push({ scope: {}, public: false, instance: undefined });
    expect(requestState(req)).toBe(state);
    expect(requestState(req).passes).toHaveLength(1);
  });

  it('keeps one state per request', () => {
    const a = {};
    const b = {};
    expect(requestState(a)).not.toBe(requestState(b));
  });

  it('does not show up in JSON, Object.keys, for…in or util.inspect of the request', () => {
    const req: Record<string, unknown> = { method: 'GET', url: '/orders' };
    const state = requestState(req);
    state.resource = { value: { owner: 'alice', secretNote: 'claims-like-data' } };

    expect(JSON.stringify(req)).toBe('{"method":"GET","url":"/orders"}');
    expect(Object.keys(req)).toEqual(['method', 'url']);
    const seen: string[] = [];
    for (const key in req) seen.push(key);
    expect(seen).toEqual(['method', 'url']);
    const printed = inspect(req, { depth: 5 });
    expect(printed).toContain('[Portcullis request state]');
    expect(printed).not.toContain('claims-like-data');
  });
});
