/**
 * The framework-free view of a Nest request (Express or Fastify) that core's extractor reads.
 */
import { describe, expect, it } from '@jest/globals';
import { paramOf, toHttpRequestLike } from '../../src/internal/http-platform.js';

/** A request whose `query` is a counting getter, like Express 5's (it parses on every read). */
function withQueryGetter(
  fields: Record<string, unknown>,
  query: unknown,
): { request: Record<string, unknown>; reads: { count: number } } {
  const reads = { count: 0 };
  const request = { headers: {}, method: 'GET', ...fields };
  Object.defineProperty(request, 'query', {
    get: () => {
      reads.count++;
      return query;
    },
  });
  return { request, reads };
}

describe('toHttpRequestLike', () => {
  it('does not read the parsed query of a request target without "?"', () => {
    const { request, reads } = withQueryGetter({ url: '/orders', originalUrl: '/orders' }, {});
    const like = toHttpRequestLike(request);
    expect(like.query).toBeUndefined();
    expect(like.url).toBe('/orders');
    expect(reads.count).toBe(0);
  });

  it('hands over the parsed query when the target has one (Express: originalUrl; Fastify: url)', () => {
    const express = withQueryGetter({ url: '/x', originalUrl: '/api/x?access_token=t' }, { access_token: 't' });
    expect(toHttpRequestLike(express.request).query).toEqual({ access_token: 't' });
    expect(express.reads.count).toBe(1);
    const fastify = withQueryGetter(
      { url: '/x?access_token=t', raw: { url: '/x?access_token=t' } },
      { access_token: 't' },
    );
    expect(toHttpRequestLike(fastify.request)).toMatchObject({
      url: '/x?access_token=t',
      query: { access_token: 't' },
    });
  });

  it("reads the query when the target is unknown, and takes raw headers from Fastify's raw request", () => {
    const { request } = withQueryGetter({ raw: { rawHeaders: ['Authorization', 'Bearer a'] } }, { access_token: 't' });
    expect(toHttpRequestLike(request)).toMatchObject({
      query: { access_token: 't' },
      rawHeaders: ['Authorization', 'Bearer a'],
      headers: {},
    });
  });
});

describe('paramOf', () => {
  it('reads own string route parameters only (the resource id of @OwnedResource)', () => {
    expect(paramOf({ params: { id: 'o-1' } }, 'id')).toBe('o-1');
    expect(paramOf({ params: Object.create({ id: 'o-1' }) as object }, 'id')).toBeUndefined();
    expect(paramOf({ params: { id: ['o-1', 'o-2'] } }, 'id')).toBeUndefined();
    expect(paramOf({}, 'id')).toBeUndefined();
  });
});
