/**
 * PortcullisGuard outside HTTP: unsupported context types are denied (never fail open), @Public
 * works anywhere, and a subclass can support another transport through the protected hooks.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer } from '@portcullis/testing';
import { createPortcullis } from '@portcullis/core';
import { PortcullisGuard, PortcullisHttpException, Public, Scopes } from '../src/index.js';
import type { AuditEvent, Portcullis, PortcullisModuleOptions } from '../src/index.js';

@Controller()
class RpcController {
  @Scopes('orders:read') ruled() {}
  @Public() open() {}
  @Get() noRule() {}
}

/** A minimal ExecutionContext of any type. */
function contextOf(type: string, handler: keyof RpcController, request?: object): ExecutionContext {
  return {
    getType: () => type,
    getClass: () => RpcController,
    getHandler: () => RpcController.prototype[handler],
    getArgs: () => [request],
    getArgByIndex: () => request,
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => undefined, getNext: () => undefined }),
    switchToRpc: () => ({ getData: () => request, getContext: () => undefined }),
    switchToWs: () => ({ getData: () => request, getClient: () => undefined, getPattern: () => '' }),
  } as unknown as ExecutionContext;
}

const moduleRef = { get: () => undefined } as unknown as ModuleRef;
let issuer: TestIssuer;
let portcullis: Portcullis;
let options: PortcullisModuleOptions;
const audit: AuditEvent[] = [];

beforeAll(async () => {
  issuer = await createTestIssuer({ serve: 'none' });
  options = { ...issuer.verifierOptions(), realm: 'orders' };
  portcullis = createPortcullis({ ...options, audit: (e) => void audit.push(e) });
});
afterAll(async () => {
  await issuer?.close();
});

describe('unsupported context types', () => {
  it.each(['rpc', 'ws', 'graphql'])(
    'a "%s" call to a ruled handler is denied with ERR_INTERNAL and audited',
    async (type) => {
      audit.length = 0;
      const guard = new PortcullisGuard(new Reflector(), portcullis, moduleRef, options);
      const token = await issuer.token({ scope: 'orders:read' });
      const attempt = Promise.resolve(
        guard.canActivate(contextOf(type, 'ruled', { headers: { authorization: `Bearer ${token}` } })),
      );
      await expect(attempt).rejects.toBeInstanceOf(PortcullisHttpException);
      const error = (await attempt.catch((e: unknown) => e)) as PortcullisHttpException;
      expect(error.code).toBe('ERR_INTERNAL');
      expect(error.getStatus()).toBe(500);
      // The reason (logs and audit only) says what to do about it.
      expect(error.portcullisError.reason).toMatch(
        new RegExp(`"${type}" call to RpcController.ruled: only HTTP is supported`),
      );
      expect(error.portcullisError.reason).toContain('override getRequest()');
      expect(audit).toEqual([expect.objectContaining({ decision: 'deny', reason: 'ERR_INTERNAL' })]);
    },
  );

  it('even a handler without rules is denied (no fail-open path through ERR_NO_RULE ordering)', async () => {
    const guard = new PortcullisGuard(new Reflector(), portcullis, moduleRef, options);
    await expect(guard.canActivate(contextOf('rpc', 'noRule', {}))).rejects.toMatchObject({ code: 'ERR_INTERNAL' });
  });

  it('@Public handlers are allowed in any context (they need no request)', async () => {
    const guard = new PortcullisGuard(new Reflector(), portcullis, moduleRef, options);
    await expect(Promise.resolve(guard.canActivate(contextOf('rpc', 'open')))).resolves.toBe(true);
  });

  it('a subclass overriding getRequest()/extractToken() supports another transport', async () => {
    class WsGuard extends PortcullisGuard {
      protected override getRequest(context: ExecutionContext): object {
        return context.switchToWs().getData<object>();
      }
      protected override extractToken(request: object): string | undefined {
        return (request as { token?: string }).token;
      }
    }
    const guard = new WsGuard(new Reflector(), portcullis, moduleRef, options);
    const message: { token: string; portcullis?: { principal: { subject: string } } } = {
      token: await issuer.token({ sub: 'wendy', scope: 'orders:read' }),
    };
    await expect(guard.canActivate(contextOf('ws', 'ruled', message))).resolves.toBe(true);
    expect(message.portcullis?.principal.subject).toBe('wendy');
    const weak = { token: await issuer.token({ scope: 'orders:write' }) };
    await expect(guard.canActivate(contextOf('ws', 'ruled', weak))).rejects.toMatchObject({
      code: 'ERR_INSUFFICIENT_SCOPE',
    });
  });
});

describe('overridden request/response hooks that fail', () => {
  it('getRequest() returning nothing is a 500 set-up error, not an anonymous caller', async () => {
    class LostGuard extends PortcullisGuard {
      protected override getRequest(): object {
        return undefined as unknown as object;
      }
    }
    audit.length = 0;
    const guard = new LostGuard(new Reflector(), portcullis, moduleRef, options);
    const attempt = Promise.resolve(guard.canActivate(contextOf('http', 'ruled', { headers: {} })));
    const error = (await attempt.catch((e: unknown) => e)) as PortcullisHttpException;
    expect(error).toBeInstanceOf(PortcullisHttpException);
    expect(error.code).toBe('ERR_INTERNAL');
    expect(error.portcullisError.reason).toContain('getRequest() returned no request object for RpcController.ruled');
    expect(audit).toEqual([expect.objectContaining({ decision: 'deny', reason: 'ERR_INTERNAL' })]);
  });

  it('getResponse() throwing while a denial is answered keeps the denial (code, status, challenge)', async () => {
    class NoResponseGuard extends PortcullisGuard {
      protected override getResponse(): unknown {
        throw new Error('no response in this transport');
      }
    }
    const guard = new NoResponseGuard(new Reflector(), portcullis, moduleRef, options);
    const attempt = Promise.resolve(guard.canActivate(contextOf('http', 'ruled', { headers: {} })));
    const error = (await attempt.catch((e: unknown) => e)) as PortcullisHttpException;
    expect(error).toBeInstanceOf(PortcullisHttpException);
    expect(error.code).toBe('ERR_MISSING_TOKEN');
    expect(error.getStatus()).toBe(401);
    expect(error.headers['www-authenticate']).toBe('Bearer realm="orders"');
  });
});
