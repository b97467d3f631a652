import { describe, expect, it } from '@jest/globals';
import { Controller, Get, Module } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { Public } from '@portcullis/nest';
import { createTestIssuer } from '../../src/index.js';
import { listenForTest, PortcullisTestingModule } from '../../src/nest/index.js';

@Controller()
class HealthController {
  @Get('health') @Public() health() {
    return { ok: true };
  }
}

describe.each([
  ['express', () => new ExpressAdapter()],
  ['fastify', () => new FastifyAdapter()],
] as const)('listenForTest on %s', (_platform, adapter) => {
  it('listens on 127.0.0.1 with a random port and closes (twice is fine)', async () => {
    const issuer = await createTestIssuer({ serve: 'none' });
    @Module({
      imports: [PortcullisTestingModule.forIssuer(issuer, { audit: () => {} })],
      controllers: [HealthController],
    })
    class AppModule {}
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    const server = await listenForTest(moduleRef.createNestApplication(adapter(), { logger: false }));
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(await (await fetch(`${server.url}/health`, { signal: AbortSignal.timeout(5000) })).json()).toEqual({
        ok: true,
      });
    } finally {
      await server.close();
      await server.close();
      await issuer.close();
    }
    await expect(fetch(`${server.url}/health`, { signal: AbortSignal.timeout(5000) })).rejects.toThrow();
  });
});

it('validates its argument', async () => {
  await expect(listenForTest({} as never)).rejects.toThrow(/app must be a Nest application/);
});
