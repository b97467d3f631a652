// Type-level tests of the public API (checked by `npm run typecheck`, never run): what must
// compile, and — with @ts-expect-error — what must not.
import { Test } from '@nestjs/testing';
import type { TestingModuleBuilder } from '@nestjs/testing';
import type { PortcullisModuleOptions } from '@portcullis/nest';
import type { PortcullisMiddlewareOptions } from '@portcullis/express';
import { asPrincipal, authorizationMatrix } from '@portcullis/testing';
import type { AuthorizationMatrixResult, ExpectedOutcome, TestIssuer, TestPrincipal } from '@portcullis/testing';
import {
  overridePortcullis,
  PortcullisTestingModule,
  portcullisTestingOptions as nestOptions,
} from '@portcullis/testing/nest';
import { listenForTest, portcullisTestingOptions as expressOptions } from '@portcullis/testing/express';

declare const issuer: TestIssuer;

// Outcomes: a status, '<status> <code>', or an object.
const outcomes: ExpectedOutcome[] = [200, '403 ERR_INSUFFICIENT_SCOPE', { status: 401, wwwAuthenticate: null }];
// @ts-expect-error a bare code is not an outcome
const badOutcome: ExpectedOutcome = 'ERR_FORBIDDEN';

// The matrix result is typed by the principal names.
export async function matrix(): Promise<void> {
  const result: AuthorizationMatrixResult<'alice' | 'anonymous'> = await authorizationMatrix({
    baseUrl: 'http://127.0.0.1:3000',
    issuer,
    principals: { alice: { sub: 'alice' }, anonymous: null },
    expect: { 'GET /orders': { alice: 200, anonymous: 401 } },
  });
  result.cell('GET /orders', 'alice');
  // @ts-expect-error 'bob' is not a column
  result.cell('GET /orders', 'bob');
  await authorizationMatrix({
    baseUrl: 'http://127.0.0.1:3000',
    principals: { alice: null },
    // @ts-expect-error 'bob' is not a principal of this matrix
    expect: { 'GET /orders': { bob: 200 } },
  });
}

// Principals.
const alice: TestPrincipal = asPrincipal(issuer, { sub: 'alice', scope: ['orders:read'] }, { alg: 'RS256' });
// @ts-expect-error not a signing algorithm
asPrincipal(issuer, {}, { alg: 'HS256' });

// Nest: the options are PortcullisModule options; the builder keeps its type for chaining.
const nest: PortcullisModuleOptions = nestOptions(issuer, { realm: 'orders', roleHierarchy: { admin: ['support'] } });
// @ts-expect-error a typo'd option
nestOptions(issuer, { realms: 'orders' });
const builder: TestingModuleBuilder = overridePortcullis(Test.createTestingModule({}), issuer, { realm: 'orders' });
PortcullisTestingModule.forIssuer(issuer, { isGlobal: false, audit: () => {} });

// Express: the options are portcullis() options (publicPaths included).
const express: PortcullisMiddlewareOptions = expressOptions(issuer, { publicPaths: ['/health'] });
// @ts-expect-error a typo'd option
expressOptions(issuer, { publicPath: ['/health'] });
export async function serve(): Promise<string> {
  return (await listenForTest((_req, res) => res.end())).url;
}

export { outcomes, badOutcome, alice, nest, builder, express };
