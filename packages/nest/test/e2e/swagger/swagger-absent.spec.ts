/** Without @nestjs/swagger the module starts and guards exactly the same (optional peer dependency). */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';

jest.unstable_mockModule('@nestjs/swagger', () => {
  throw new Error("Cannot find package '@nestjs/swagger'");
});

const { Controller, Get, Module } = await import('@nestjs/common');
const { Test } = await import('@nestjs/testing');
const { createTestIssuer } = await import('@portcullis/testing');
const { PortcullisModule, Scopes } = await import('../../../src/index.js');
const { loadSwagger } = await import('../../../src/internal/swagger-docs.js');

let issuer: Awaited<ReturnType<typeof createTestIssuer>>;
beforeAll(async () => {
  issuer = await createTestIssuer({ serve: 'none' });
});
afterAll(async () => {
  await issuer?.close();
});

describe('@nestjs/swagger absent', () => {
  it('loadSwagger resolves to undefined instead of throwing', async () => {
    await expect(loadSwagger()).resolves.toBeUndefined();
    await expect(loadSwagger(async () => ({}))).resolves.toBeUndefined();
  });

  it('the module starts and the guard works', async () => {
    @Controller('x')
    class XController {
      @Get() @Scopes('x:read') get() {
        return { ok: true };
      }
    }
    @Module({
      imports: [PortcullisModule.forRoot({ ...issuer.verifierOptions(), audit: () => {} })],
      controllers: [XController],
    })
    class AppModule {}
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    try {
      const { port } = app.getHttpServer().address() as { port: number };
      expect((await fetch(`http://127.0.0.1:${port}/x`)).status).toBe(401);
      const token = await issuer.token({ scope: 'x:read' });
      expect(
        (await fetch(`http://127.0.0.1:${port}/x`, { headers: { authorization: `Bearer ${token}` } })).status,
      ).toBe(200);
    } finally {
      await app.close();
    }
  });
});
