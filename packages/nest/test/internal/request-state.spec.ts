/**
 * Where the request state comes from: `@CurrentPrincipal()`, `@LoadedResource()` and
 * `PortcullisRulesGuard` read only a state that Portcullis itself stored. A `portcullis` property
 * that something else put there — an RPC message payload (argument 0 of a microservice handler),
 * a GraphQL parent object, a middleware copying client data onto the request — is ignored.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import { createPortcullis } from '@portcullis/core';
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer } from '@portcullis/testing';
import {
  CurrentPrincipal,
  LoadedResource,
  PortcullisGuard,
  PortcullisHttpException,
  PortcullisRulesGuard,
  Public,
  Scopes,
} from '../../src/index.js';
import type { Portcullis, PortcullisModuleOptions, Principal } from '../../src/index.js';

// Nest's ROUTE_ARGS_METADATA (@nestjs/common/constants), where param decorators record their factory.
const ROUTE_ARGS_METADATA = '__routeArguments__';

@Controller()
class StateController {
  @Public() open(@CurrentPrincipal() _me?: Principal, @LoadedResource() _resource?: unknown) {}
  @Get() @Scopes('orders:read') ruled(@CurrentPrincipal() _me?: Principal) {}
}

type Factory = (data: unknown, context: ExecutionContext) => unknown;

/** The factories of a handler's param decorators, in parameter order. */
function paramFactories(handler: keyof StateController): Factory[] {
  const args = Reflect.getMetadata(ROUTE_ARGS_METADATA, StateController, handler) as Record<
    string,
    { index: number; factory: Factory; data: unknown }
  >;
  return Object.values(args)
    .sort((a, b) => a.index - b.index)
    .map(({ factory, data }) => (_data: unknown, context: ExecutionContext) => factory(data, context));
}

function contextOf(type: string, handler: keyof StateController, arg0: object): ExecutionContext {
  return {
    getType: () => type,
    getClass: () => StateController,
    getHandler: () => StateController.prototype[handler],
    getArgs: () => [arg0],
    getArgByIndex: (i: number) => (i === 0 ? arg0 : undefined),
    switchToHttp: () => ({ getRequest: () => arg0, getResponse: () => undefined, getNext: () => undefined }),
    switchToRpc: () => ({ getData: () => arg0, getContext: () => undefined }),
    switchToWs: () => ({ getData: () => arg0, getClient: () => undefined, getPattern: () => '' }),
  } as unknown as ExecutionContext;
}

const planted = () => ({
  portcullis: {
    principal: { subject: 'ada', kind: 'user', roles: new Set(['admin']), scopes: new Set(['orders:read']) },
    resource: { id: 'o-c1' },
  },
});

const moduleRef = { get: () => undefined } as unknown as ModuleRef;
let issuer: TestIssuer;
let portcullis: Portcullis;
let options: PortcullisModuleOptions;

beforeAll(async () => {
  issuer = await createTestIssuer({ serve: 'none' });
  options = { ...issuer.verifierOptions(), realm: 'orders' };
  portcullis = createPortcullis({ ...options, audit: () => {} });
});
afterAll(async () => {
  await issuer?.close();
});

describe('a request state Portcullis did not store', () => {
  it('is not a principal for @CurrentPrincipal() nor a resource for @LoadedResource() (a public RPC handler)', async () => {
    const guard = new PortcullisGuard(new Reflector(), portcullis, moduleRef, options);
    const payload = planted(); // a microservice message: argument 0, chosen by the sender
    const context = contextOf('rpc', 'open', payload);
    await expect(Promise.resolve(guard.canActivate(context))).resolves.toBe(true);
    const [principal, resource] = paramFactories('open');
    expect(principal!(undefined, context)).toBeUndefined();
    expect(resource!(undefined, context)).toBeUndefined();
  });

  it('does not authenticate anyone for PortcullisRulesGuard', async () => {
    const guard = new PortcullisRulesGuard(new Reflector(), portcullis, moduleRef, options);
    const request = { headers: {}, method: 'GET', url: '/', ...planted() };
    let denial: unknown;
    try {
      await guard.canActivate(contextOf('http', 'ruled', request));
    } catch (error) {
      denial = error;
    }
    expect(denial).toBeInstanceOf(PortcullisHttpException);
    expect((denial as PortcullisHttpException).code).toBe('ERR_MISSING_TOKEN');
  });

  it('while the state the guard stored is read as before', async () => {
    const guard = new PortcullisGuard(new Reflector(), portcullis, moduleRef, options);
    const token = await issuer.token({ sub: 'alice', scope: 'orders:read' });
    const request = { headers: { authorization: `Bearer ${token}` }, method: 'GET', url: '/' };
    const context = contextOf('http', 'ruled', request);
    await expect(Promise.resolve(guard.canActivate(context))).resolves.toBe(true);
    const [principal] = paramFactories('ruled');
    expect((principal!(undefined, context) as Principal).subject).toBe('alice');
  });
});
