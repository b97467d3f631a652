import type { AuditRequestInfo } from '@portcullis/core';
import type { Request } from 'express';

/**
 * The request facts an audit event carries: the method and the route *pattern*
 * (`/orders/:id` under its mount path) when a route matched, otherwise the path. Never the query
 * string: that is where a misplaced `access_token` would be.
 */
export function auditRequestInfo(req: Request): AuditRequestInfo {
  const base = typeof req.baseUrl === 'string' ? req.baseUrl : '';
  const routePath: unknown = req.route?.path;
  let route: string;
  if (typeof routePath === 'string') route = joinPaths(base, routePath);
  else if (routePath instanceof RegExp) route = `${base}${String(routePath)}`;
  else route = joinPaths(base, typeof req.path === 'string' ? req.path : '/');
  return { method: req.method, route };
}

function joinPaths(base: string, path: string): string {
  if (base === '') return path === '' ? '/' : path;
  if (path === '/' || path === '') return base;
  return base.endsWith('/') ? `${base}${path.replace(/^\//, '')}` : `${base}${path}`;
}
