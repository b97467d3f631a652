/**
 * PortcullisModule options: the default audit sink (Nest Logger, no token), `globalGuard: false`,
 * the REVOCATION_STORE provider, and option validation with fix-it messages.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Inject } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer } from '@portcullis/testing';
import { PRINCIPALS } from '../../../../../test-support/adapter-cases.js';
import { InMemoryRevocationStore, PORTCULLIS, PortcullisModule, REVOCATION_STORE, Scopes } from '../../../src/index.js';
import type { Portcullis, PortcullisModuleOptions, RevocationStore } from '../../../src/index.js';
import { HandlerCounter, portcullisImport, scenarioModule, SCENARIO_OPTIONS } from '../support/scenario-app.js';
import { recordingLogger, startApp } from '../support/start-app.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(async () => {
  await issuer?.close();
});

describe("audit: 'logger' (default)", () => {
  it('logs one line per decision at log level with the route pattern and a token hash, never the token', async () => {
    const logger = recordingLogger();
    const { audit: _none, ...withoutAudit } = { ...issuer.verifierOptions(), ...SCENARIO_OPTIONS, audit: undefined };
    const started = await startApp(scenarioModule(portcullisImport('forRoot', withoutAudit)), 'express', { logger });
    try {
      const token = await issuer.token(PRINCIPALS.alice);
      logger.lines.length = 0;
      expect(
        (await fetch(`${started.url}/orders/o-a1`, { headers: { authorization: `Bearer ${token}` } })).status,
      ).toBe(200);
      expect(
        (await fetch(`${started.url}/orders/o-b1`, { headers: { authorization: `Bearer ${token}` } })).status,
      ).toBe(404);
      const decisions = logger.lines.filter((l) => l.message.startsWith('portcullis.decision '));
      expect(decisions.map((l) => l.level)).toEqual(['log', 'log']);
      const events = decisions.map(
        (l) => JSON.parse(l.message.slice('portcullis.decision '.length)) as Record<string, unknown>,
      );
      expect(events[0]).toMatchObject({ decision: 'allow', subject: 'alice', method: 'GET', route: '/orders/:id' });
      expect(events[1]).toMatchObject({ decision: 'deny', reason: 'ERR_NOT_FOUND', route: '/orders/:id' });
      expect(typeof events[0]!.tokenHash).toBe('string');
      const everything = logger.lines.map((l) => l.message).join('\n');
      expect(everything).not.toContain(token);
      expect(everything).not.toContain(token.split('.')[2]!);
    } finally {
      await started.close();
    }
  });
});

describe('globalGuard: false', () => {
  it('registers no global guard: routes are not authenticated unless guards are attached', async () => {
    const options = { ...issuer.verifierOptions(), ...SCENARIO_OPTIONS, audit: () => {}, globalGuard: false };
    const started = await startApp(scenarioModule(portcullisImport('forRoot', options)), 'express');
    try {
      // /orders-any carries @AnyScope, but nothing guards it here: the handler runs for anyone.
      const res = await fetch(`${started.url}/orders-any`);
      expect(res.status).toBe(200);
      expect(started.app.get(HandlerCounter).count).toBe(1);
    } finally {
      await started.close();
    }
  });
});

@Controller()
class StoreController {
  constructor(
    @Inject(REVOCATION_STORE) readonly store: RevocationStore | null,
    @Inject(PORTCULLIS) readonly portcullis: Portcullis,
  ) {}
  @Get() @Scopes('x') get() {}
}

describe('providers', () => {
  it('REVOCATION_STORE is the configured store, or null', async () => {
    const store = new InMemoryRevocationStore();
    for (const [revocation, expected] of [
      [store, store],
      [undefined, null],
    ] as const) {
      const moduleRef = await Test.createTestingModule({
        imports: [
          PortcullisModule.forRoot({
            ...issuer.verifierOptions(),
            audit: () => {},
            ...(revocation ? { revocation } : {}),
          }),
        ],
        controllers: [StoreController],
      }).compile();
      const controller = moduleRef.get(StoreController);
      expect(controller.store).toBe(expected);
      expect(typeof controller.portcullis.authenticate).toBe('function');
      await moduleRef.close();
    }
  });

  it('forRootAsync resolves options from a factory', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        PortcullisModule.forRootAsync({
          useFactory: async () => ({ ...issuer.verifierOptions(), realm: 'async-realm' }),
        }),
      ],
      controllers: [StoreController],
    }).compile();
    expect(moduleRef.get(StoreController).portcullis.challenge.realm).toBe('async-realm');
    await moduleRef.close();
  });
});

describe('option validation (TypeError saying how to fix it)', () => {
  it.each([
    [{ routesWithoutRules: 'loud' }, /'routesWithoutRules' must be 'warn', 'error' or 'ignore'/],
    [{ globalGuard: 'yes' }, /'globalGuard' must be a boolean/],
    [{ audit: 'console' }, /'audit' must be 'logger' or a function/],
    [{ swagger: 'on' }, /'swagger' must be false or/],
    [{ realm: 'a"b' }, /realm/],
  ])('%j', async (bad, message) => {
    const options = { ...issuer.verifierOptions(), ...bad } as unknown as PortcullisModuleOptions;
    await expect(Test.createTestingModule({ imports: [PortcullisModule.forRoot(options)] }).compile()).rejects.toThrow(
      message,
    );
  });
});
