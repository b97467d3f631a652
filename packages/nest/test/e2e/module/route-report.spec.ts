/**
 * Start-up checks (OnApplicationBootstrap): routes with neither a rule nor @Public are reported
 * (warn) or stop the application (error); declarations that could only ever answer 500 stop it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Injectable, Module } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import type { INestApplication, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer } from '@portcullis/testing';
import { OwnedResource, Policy, PortcullisModule, Public, Roles } from '../../../src/index.js';
import type { PortcullisModuleOptions, PortcullisPolicy, ResourceResolver } from '../../../src/index.js';
import { recordingLogger } from '../support/start-app.js';

@Injectable()
class UnregisteredResolver implements ResourceResolver<{ owner: string }> {
  async load() {
    return { owner: 'x' };
  }
  ownerOf(r: { owner: string }) {
    return r.owner;
  }
}

@Injectable()
class UnregisteredPolicy implements PortcullisPolicy {
  evaluate() {
    return true;
  }
}

@Controller('report')
class ReportController {
  @Get('ruled') @Roles('admin') ruled() {}
  @Get('open') @Public() open() {}
  @Get('forgotten') forgotten() {}
  @Get('conflicting') @Public() @Roles('admin') conflicting() {}
}

@Controller('broken')
class MissingResolverController {
  @Get(':id') @OwnedResource(UnregisteredResolver) get() {}
}

@Controller('broken-param')
class WrongParamController {
  @Get(':orderId') @OwnedResource(UnregisteredResolver, { param: 'id' }) get() {}
}

@Controller('broken-policy')
class MissingPolicyController {
  @Get() @Policy(UnregisteredPolicy) get() {}
}

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer({ serve: 'none' });
});
afterAll(async () => {
  await issuer?.close();
});

async function boot(
  controllers: Type[],
  options: Partial<PortcullisModuleOptions>,
  providers: Type[] = [],
): Promise<{ app: INestApplication; logger: ReturnType<typeof recordingLogger>; init: Promise<unknown> }> {
  const logger = recordingLogger();
  const moduleRef = await Test.createTestingModule({
    imports: [PortcullisModule.forRoot({ ...issuer.verifierOptions(), audit: () => {}, ...options })],
    controllers,
    providers,
  })
    .setLogger(logger)
    .compile();
  const app = moduleRef.createNestApplication({ logger });
  const init = app.init();
  init.catch(() => undefined);
  return { app, logger, init };
}

describe('routes without rules', () => {
  it("'warn' (the default) logs every unruled route by method, path and handler, and starts", async () => {
    const { app, logger, init } = await boot([ReportController], {});
    await init;
    const warnings = logger.lines.filter((l) => l.level === 'warn').map((l) => l.message);
    const report = warnings.find((w) => w.includes('no authorization rule'));
    expect(report).toContain('GET /report/forgotten (ReportController.forgotten)');
    expect(report).not.toContain('/report/ruled');
    expect(report).not.toContain('/report/open');
    expect(report).toContain('1 route has no authorization rule');
    // The contradiction is named too (the rule applies, the route is not public).
    expect(warnings.some((w) => w.includes('GET /report/conflicting') && w.includes('@Public() and a rule'))).toBe(
      true,
    );
    await app.close();
  });

  it("'error' stops the application with a message naming the route", async () => {
    const { app, init } = await boot([ReportController], { routesWithoutRules: 'error' });
    await expect(init).rejects.toThrow(/GET \/report\/forgotten \(ReportController\.forgotten\)/);
    await app.close();
  });

  it("'ignore' says nothing", async () => {
    const { app, logger, init } = await boot([ReportController], { routesWithoutRules: 'ignore' });
    await init;
    expect(logger.lines.some((l) => l.message.includes('no authorization rule'))).toBe(false);
    await app.close();
  });
});

describe('declarations that could only answer 500 stop the start', () => {
  const cases: [Type, RegExp][] = [
    [MissingResolverController, /UnregisteredResolver \(used by @OwnedResource\) is not a provider/],
    [WrongParamController, /reads route parameter 'id', but the path has no :id/],
    [MissingPolicyController, /UnregisteredPolicy \(used by @Policy\) is not a provider/],
  ];
  it.each(cases.map(([controller, message]) => [controller.name, controller, message] as const))(
    '%s',
    async (_name, controller, message) => {
      const { app, init } = await boot([controller], {});
      await expect(init).rejects.toThrow(message);
      await app.close();
    },
  );

  it('sees a parameter of the RouterModule path, and still refuses one that no path has', async () => {
    const start = async (param: string) => {
      @Controller('orders')
      class Orders {
        @Get(':orderId') @OwnedResource(UnregisteredResolver, { param }) get() {}
      }
      @Module({ controllers: [Orders], providers: [UnregisteredResolver] })
      class Customers {}
      const moduleRef = await Test.createTestingModule({
        imports: [
          PortcullisModule.forRoot({ ...issuer.verifierOptions(), audit: () => {} }),
          Customers,
          RouterModule.register([{ path: 'customers/:customerId', module: Customers }]),
        ],
      })
        .setLogger(recordingLogger())
        .compile();
      const app = moduleRef.createNestApplication({ logger: recordingLogger() });
      try {
        await app.init();
      } finally {
        await app.close();
      }
    };
    await expect(start('customerId')).resolves.toBeUndefined();
    await expect(start('orderId')).resolves.toBeUndefined();
    await expect(start('tenantId')).rejects.toThrow(/reads route parameter 'tenantId', but the path has no :tenantId/);
  });

  it('starts once the resolver is a provider', async () => {
    const { app, init } = await boot([MissingResolverController], {}, [UnregisteredResolver]);
    await expect(init).resolves.toBeDefined();
    await app.close();
  });
});
