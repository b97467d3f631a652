import { describe, expect, it } from '@jest/globals';
import type { Request } from 'express';
import { auditRequestInfo } from '../../src/internal/audit-request-info.js';

const req = (fields: Partial<Record<'method' | 'baseUrl' | 'path' | 'route', unknown>>) => fields as unknown as Request;

describe('auditRequestInfo', () => {
  it.each([
    [{ method: 'GET', baseUrl: '', path: '/orders/o-1', route: { path: '/orders/:id' } }, '/orders/:id'],
    [{ method: 'GET', baseUrl: '/admin', path: '/orders', route: { path: '/orders' } }, '/admin/orders'],
    [{ method: 'GET', baseUrl: '/admin', path: '/', route: { path: '/' } }, '/admin'],
    [{ method: 'GET', baseUrl: '/v1/', path: '/x', route: { path: '/x' } }, '/v1/x'],
    [{ method: 'GET', baseUrl: '', path: '/x', route: { path: /^\/x$/ } }, '/^\\/x$/'],
    [{ method: 'POST', baseUrl: '/api', path: '/unmatched' }, '/api/unmatched'],
    [{ method: 'GET', baseUrl: '', path: '/' }, '/'],
  ])('%j → %s (the pattern, never the query)', (fields, route) => {
    expect(auditRequestInfo(req(fields))).toEqual({ method: fields.method, route });
  });
});
