/**
 * authenticateRequest + PortcullisGuard on one request object: the guard reuses the outcome of an
 * earlier authenticateRequest by the same Portcullis instance (one revocation lookup, the same
 * AuthContext, the same error), and nothing else — not another instance's outcome, not an outcome
 * when a subclass extracts its own token, not anything on the request itself.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer } from '@portcullis/testing';
import { createPortcullis } from '@portcullis/core';
import {
  authenticateRequest,
  PortcullisError,
  PortcullisGuard,
  PortcullisHttpException,
  Scopes,
} from '../src/index.js';
import type { AuthContext, Portcullis, PortcullisModuleOptions } from '../src/index.js';
import { CountingRevocationStore, jtiAndExp } from '../../../test-support/counting-revocation-store.js';

@Controller()
class OrdersController {
  @Get() @Scopes('orders:read') list() {}
}

interface TestRequest {
  headers: Record<string, string | string[] | undefined>;
  method: string;
  url: string;
  token?: string;
  portcullis?: { principal: unknown; token?: unknown };
  user?: unknown;
}

function requestWith(token?: string): TestRequest {
  return { headers: token === undefined ? {} : { authorization: `Bearer ${token}` }, method: 'GET', url: '/orders' };
}

function httpContext(request: object): ExecutionContext {
  return {
    getType: () => 'http',
    getClass: () => OrdersController,
    getHandler: () => OrdersController.prototype.list,
    getArgs: () => [request],
    getArgByIndex: () => request,
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => undefined, getNext: () => undefined }),
  } as unknown as ExecutionContext;
}

const moduleRef = { get: () => undefined } as unknown as ModuleRef;
const READ = { sub: 'alice', scope: 'orders:read' };
let issuer: TestIssuer;

beforeAll(async () => {
  issuer = await createTestIssuer({ serve: 'none' });
});
afterAll(async () => {
  await issuer?.close();
});

/** A Portcullis instance with a counting store, and a guard built on it (as the module builds them). */
function setup(answers: 'sync' | 'async' = 'sync') {
  const store = new CountingRevocationStore(answers);
  const options = { ...issuer.verifierOptions(), revocation: store, realm: 'orders' } satisfies PortcullisModuleOptions;
  const portcullis = createPortcullis(options);
  const guard = new PortcullisGuard(new Reflector(), portcullis, moduleRef, options);
  return { store, options, portcullis, guard };
}

/** The guard's answer as a promise (it may decide synchronously). */
async function activate(guard: PortcullisGuard, request: object): Promise<boolean> {
  return guard.canActivate(httpContext(request));
}

async function denial(guard: PortcullisGuard, request: object): Promise<PortcullisHttpException> {
  const error = await activate(guard, request).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PortcullisHttpException);
  return error as PortcullisHttpException;
}

describe.each(['sync', 'async'] as const)('with a revocation store answering %s', (answers) => {
  it('a second call for the same request returns the same AuthContext without a second lookup', async () => {
    const { store, portcullis } = setup(answers);
    const request = requestWith(await issuer.token(READ));
    const first = await authenticateRequest(portcullis, request);
    const second = await authenticateRequest(portcullis, request);
    expect(first.principal.subject).toBe('alice');
    expect(second).toBe(first);
    expect(store.lookups).toBe(1);
  });

  it('PortcullisGuard reuses the outcome: one revocation lookup, and the request carries the same AuthContext', async () => {
    const { store, portcullis, guard } = setup(answers);
    const token = await issuer.token(READ);
    for (const round of [1, 2]) {
      // Round 1 is a first-sight token (signature check), round 2 a verified-token cache hit.
      const request = requestWith(token);
      const auth = await authenticateRequest(portcullis, request);
      await expect(activate(guard, request)).resolves.toBe(true);
      expect(store.lookups).toBe(round);
      expect(request.portcullis?.principal).toBe(auth.principal);
      expect(request.portcullis?.token).toBe(auth.token);
      expect(request.user).toBe(auth.principal);
    }
  });

  it('reuses an authentication still in flight (a pre-guard that did not wait for it)', async () => {
    const { store, portcullis, guard } = setup(answers);
    const request = requestWith(await issuer.token(READ));
    const pending = authenticateRequest(portcullis, request);
    await expect(activate(guard, request)).resolves.toBe(true);
    expect(request.portcullis?.principal).toBe((await pending).principal);
    expect(store.lookups).toBe(1);
  });

  it('a failure is reused too: the guard denies with the very same error, after one lookup', async () => {
    const { store, portcullis, guard } = setup(answers);
    const token = await issuer.token(READ);
    const { jti, exp } = jtiAndExp(token);
    store.revokeToken(jti, exp);
    const request = requestWith(token);
    const failure = await authenticateRequest(portcullis, request).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(PortcullisError);
    expect((failure as PortcullisError).code).toBe('ERR_TOKEN_REVOKED');
    const denied = await denial(guard, request);
    expect(denied.portcullisError).toBe(failure);
    expect(denied.getStatus()).toBe(401);
    expect(store.lookups).toBe(1);
    expect(request.portcullis).toBeUndefined();
  });

  it('a request nobody authenticated before is authenticated by the guard (one lookup)', async () => {
    const { store, guard } = setup(answers);
    const request = requestWith(await issuer.token(READ));
    await expect(activate(guard, request)).resolves.toBe(true);
    expect(store.lookups).toBe(1);
    expect((await denial(guard, requestWith())).code).toBe('ERR_MISSING_TOKEN');
  });
});

describe('what is never reused', () => {
  it("another instance's success: a token that instance accepts is still refused by the guard's own instance", async () => {
    const { store, portcullis, guard } = setup();
    const token = await issuer.token(READ);
    const { jti, exp } = jtiAndExp(token);
    store.revokeToken(jti, exp);
    // Same issuer and keys, but no revocation store: it accepts the token this guard's instance refuses.
    const other = createPortcullis(issuer.verifierOptions());
    const request = requestWith(token);
    await expect(authenticateRequest(other, request)).resolves.toMatchObject({ principal: { subject: 'alice' } });
    expect((await denial(guard, request)).code).toBe('ERR_TOKEN_REVOKED');
    expect(request.portcullis).toBeUndefined();
    // …while the guard's own instance reuses its own outcome.
    await expect(authenticateRequest(portcullis, request)).rejects.toMatchObject({ code: 'ERR_TOKEN_REVOKED' });
  });

  it("another instance's failure: the guard authenticates with its own instance", async () => {
    const { store, options, guard } = setup();
    const other = createPortcullis({ ...options, audience: 'https://another.example.test' });
    const request = requestWith(await issuer.token(READ));
    await expect(authenticateRequest(other, request)).rejects.toMatchObject({ code: 'ERR_CLAIM_INVALID' });
    await expect(activate(guard, request)).resolves.toBe(true);
    // The store is shared; the only lookup is the guard's (the other instance failed on the audience, before any).
    expect(store.lookups).toBe(1);
  });

  it('an outcome of core extraction, when a subclass extracts its own token', async () => {
    class HandshakeGuard extends PortcullisGuard {
      protected override extractToken(request: object): string | undefined {
        return (request as TestRequest).token;
      }
    }
    const { portcullis, options } = setup();
    const guard = new HandshakeGuard(new Reflector(), portcullis, moduleRef, options);
    // The header carries alice (authenticated first), the handshake carries bob: the guard checks bob.
    const request = requestWith(await issuer.token(READ));
    request.token = await issuer.token({ sub: 'bob', scope: 'orders:read' });
    await authenticateRequest(portcullis, request);
    await expect(activate(guard, request)).resolves.toBe(true);
    expect((request.portcullis?.principal as { subject: string }).subject).toBe('bob');
    // A failed header authentication does not deny a valid handshake token either, and vice versa.
    const noHeader = requestWith();
    noHeader.token = await issuer.token({ sub: 'bob', scope: 'orders:read' });
    await expect(authenticateRequest(portcullis, noHeader)).rejects.toMatchObject({ code: 'ERR_MISSING_TOKEN' });
    await expect(activate(guard, noHeader)).resolves.toBe(true);
    const badHandshake = requestWith(await issuer.token(READ));
    badHandshake.token = await issuer.badToken('expired', READ);
    await authenticateRequest(portcullis, badHandshake);
    expect((await denial(guard, badHandshake)).code).toBe('ERR_TOKEN_EXPIRED');
  });

  it('nothing on the request: the memo adds no property, and claims planted on the request are ignored', async () => {
    const { portcullis, guard } = setup();
    const request: TestRequest = {
      ...requestWith(),
      portcullis: { principal: { subject: 'mallory' } },
      user: { subject: 'mallory' },
    };
    const keys = Reflect.ownKeys(request);
    await expect(authenticateRequest(portcullis, request)).rejects.toMatchObject({ code: 'ERR_MISSING_TOKEN' });
    expect(Reflect.ownKeys(request)).toEqual(keys);
    expect((await denial(guard, request)).code).toBe('ERR_MISSING_TOKEN');
  });
});

describe('arguments', () => {
  it('rejects with a TypeError that says what to pass', async () => {
    const { portcullis } = setup();
    await expect(authenticateRequest(portcullis, undefined as unknown as object)).rejects.toThrow(
      /pass the request object/,
    );
    await expect(authenticateRequest(undefined as unknown as Portcullis, requestWith())).rejects.toThrow(
      /@Inject\(PORTCULLIS\)/,
    );
  });

  it('an AuthContext resolves, never a synchronous throw (even for a failure decided at once)', () => {
    const { portcullis } = setup();
    let result: Promise<AuthContext> | undefined;
    expect(() => {
      result = authenticateRequest(portcullis, requestWith('not-a-jwt'));
    }).not.toThrow();
    return expect(result).rejects.toMatchObject({ code: 'ERR_MALFORMED_TOKEN' });
  });
});
