import { describe, expect, it } from '@jest/globals';
import type { ArgumentsHost } from '@nestjs/common';
import { BadRequestException, ForbiddenException, HttpException, NotFoundException } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { PortcullisError } from '@portcullis/nest';
import { ApiError } from '../../src/http/api-error.js';
import { ApiExceptionFilter } from '../../src/http/api-exception.filter.js';

function run(exception: unknown, audits: unknown[] = []) {
  const answer = { status: 0, headers: {} as Record<string, string>, body: undefined as unknown };
  const response = {
    headersSent: false,
    status(code: number) {
      answer.status = code;
      return response;
    },
    setHeader(name: string, value: string) {
      answer.headers[name.toLowerCase()] = value;
    },
    json(body: unknown) {
      answer.body = body;
    },
  };
  const host = {
    getType: () => 'http',
    switchToHttp: () => ({ getResponse: () => response, getRequest: () => ({ method: 'GET', route: { path: '/orders' } }) }),
  } as unknown as ArgumentsHost;
  const portcullis = {
    toHttpResponse: (e: PortcullisError) => ({ status: e.status, headers: { 'x-portcullis': e.code }, body: { code: e.code } }),
    auditDecision: (...args: unknown[]) => audits.push(args),
  };
  new ApiExceptionFilter(portcullis as never).catch(exception, host);
  return answer;
}

describe('ApiExceptionFilter', () => {
  it('answers unknown errors with a bare 500: no message, no stack', () => {
    const answer = run(new Error('connection string postgres://u:secret@db failed at Foo.bar (/src/x.ts:1)'));
    expect(answer.status).toBe(500);
    expect(answer.body).toEqual({ statusCode: 500, error: 'internal_error', code: 'ERR_INTERNAL', message: 'Internal error' });
    expect(answer.headers['cache-control']).toBe('no-store');
  });

  it('never echoes the message of a framework exception', () => {
    expect(run(new BadRequestException('Unexpected token } in JSON at position 7: {"password":"x"}')).body).toEqual({
      statusCode: 400,
      error: 'bad_request',
      code: 'ERR_VALIDATION',
      message: 'The request is invalid',
    });
    expect(run(new NotFoundException('Cannot GET /secret-admin')).body).toMatchObject({ code: 'ERR_ROUTE_NOT_FOUND', message: 'No such route' });
    expect(run(new HttpException('teapot internals', 418)).body).toEqual({
      statusCode: 418,
      error: 'error',
      code: 'ERR_HTTP',
      message: 'The request cannot be processed',
    });
    expect(run(new HttpException('gateway detail', 502))).toMatchObject({ status: 500, body: { code: 'ERR_INTERNAL' } });
  });

  it('maps rate limiting, app errors and unavailable dependencies', () => {
    expect(run(new ThrottlerException())).toMatchObject({ status: 429, body: { code: 'ERR_RATE_LIMITED' } });
    expect(run(new ApiError(409, 'ERR_CONFLICT', 'nope', { headers: { 'x-a': '1' } }))).toMatchObject({
      status: 409,
      headers: { 'x-a': '1' },
      body: { statusCode: 409, error: 'conflict', code: 'ERR_CONFLICT', message: 'nope' },
    });
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' });
    expect(run(refused)).toMatchObject({ status: 503, headers: { 'retry-after': '5' }, body: { code: 'ERR_SERVICE_UNAVAILABLE' } });
    expect(run(new PortcullisError('ERR_INTERNAL', { cause: { code: '57P01' } }))).toMatchObject({ status: 503 });
  });

  it('answers Portcullis errors through Portcullis, auditing authorization denials made by handlers', () => {
    const audits: unknown[] = [];
    expect(run(new PortcullisError('ERR_FORBIDDEN'), audits)).toMatchObject({ status: 403, headers: { 'x-portcullis': 'ERR_FORBIDDEN' } });
    expect(audits).toHaveLength(1);
    expect(run(new PortcullisError('ERR_NOT_FOUND'), audits)).toMatchObject({ status: 404 });
    expect(audits).toHaveLength(1); // an absent id is not an authorization decision
    const fromGuard = new ForbiddenException({}, { cause: new PortcullisError('ERR_INSUFFICIENT_SCOPE') });
    expect(run(fromGuard, audits)).toMatchObject({ status: 403, headers: { 'x-portcullis': 'ERR_INSUFFICIENT_SCOPE' } });
    expect(audits).toHaveLength(1); // the guard already audited its own denial
  });
});
