/**
 * With @nestjs/swagger installed, guarded routes are documented as the guard enforces them:
 * security requirement (bearer, or OAuth2 with the route's scopes), 401/403, 404 for owned
 * resources; public routes get nothing; what the app documented itself is kept.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Injectable, Module } from '@nestjs/common';
import type { INestApplication, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ApiUnauthorizedResponse, DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer } from '@portcullis/testing';
import { OwnedResource, PortcullisModule, Public, Roles, Scopes } from '../../../src/index.js';
import type { PortcullisModuleOptions, ResourceResolver } from '../../../src/index.js';

@Injectable()
class ThingResolver implements ResourceResolver<{ owner: string }> {
  async load() {
    return { owner: 'x' };
  }
  ownerOf(thing: { owner: string }) {
    return thing.owner;
  }
}

function controllers() {
  // Fresh classes per app: documentation metadata lives on the classes.
  @Controller('things')
  class ThingsController {
    @Get('health') @Public() health() {}
    @Get() @Scopes('things:read', 'things:list') list() {}
    @Get(':id') @Scopes('things:read') @OwnedResource(ThingResolver) get() {}
    @Get('custom/401') @Roles('admin') @ApiUnauthorizedResponse({ description: 'mine' }) custom() {}
  }
  return ThingsController;
}

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer({ serve: 'none' });
});
afterAll(async () => {
  await issuer?.close();
});

async function documentFor(
  controller: Type,
  options: Partial<PortcullisModuleOptions>,
): Promise<[OpenAPIObject, INestApplication]> {
  @Module({
    imports: [
      PortcullisModule.forRoot({
        ...issuer.verifierOptions(),
        audit: () => {},
        routesWithoutRules: 'ignore',
        ...options,
      }),
    ],
    controllers: [controller],
    providers: [ThingResolver],
  })
  class AppModule {}
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  const config = new DocumentBuilder().addBearerAuth().addOAuth2().build();
  return [SwaggerModule.createDocument(app, config), app];
}

describe('OpenAPI documentation', () => {
  it('bearer scheme (default): security, 401, 403 and 404 where they apply; public routes untouched', async () => {
    const [doc, app] = await documentFor(controllers(), {});
    const health = doc.paths['/things/health']!.get!;
    expect(health.security).toBeUndefined();
    expect(Object.keys(health.responses)).not.toEqual(expect.arrayContaining(['401']));

    const list = doc.paths['/things']!.get!;
    expect(list.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(list.responses)).toEqual(expect.arrayContaining(['401', '403']));
    expect(Object.keys(list.responses)).not.toContain('404');

    const get = doc.paths['/things/{id}']!.get!;
    expect(Object.keys(get.responses)).toEqual(expect.arrayContaining(['401', '403', '404']));

    // The app's own 401 description is kept.
    expect((doc.paths['/things/custom/401']!.get!.responses['401'] as { description: string }).description).toBe(
      'mine',
    );
    await app.close();
  });

  it("oauth2 scheme lists the route's scopes", async () => {
    const [doc, app] = await documentFor(controllers(), { swagger: { scheme: 'oauth2' } });
    expect(doc.paths['/things']!.get!.security).toEqual([{ oauth2: ['things:read', 'things:list'] }]);
    expect(doc.paths['/things/custom/401']!.get!.security).toEqual([{ oauth2: [] }]);
    await app.close();
  });

  it('swagger: false documents nothing', async () => {
    const [doc, app] = await documentFor(controllers(), { swagger: false });
    expect(doc.paths['/things']!.get!.security).toBeUndefined();
    expect(Object.keys(doc.paths['/things']!.get!.responses)).not.toContain('401');
    await app.close();
  });
});
