import type { INestApplication } from '@nestjs/common';
import { loopbackUrl } from '../internal/loopback-url.js';
import type { TestServer } from '../test-server.js';

/**
 * Starts a Nest application (Express or Fastify platform) on 127.0.0.1 with a random port, for
 * tests that send real HTTP requests (`fetch`, `asPrincipal(…).fetch`, `authorizationMatrix`).
 * `close()` closes the application.
 *
 * @example
 * ```ts
 * const app = moduleRef.createNestApplication();
 * const server = await listenForTest(app);
 * await authorizationMatrix({ baseUrl: server.url, issuer, principals, expect });
 * await server.close();
 * ```
 */
export async function listenForTest(app: INestApplication): Promise<TestServer> {
  if (app === null || typeof app !== 'object' || typeof app.listen !== 'function') {
    throw new TypeError('listenForTest(app): app must be a Nest application (moduleRef.createNestApplication())');
  }
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer() as { address(): Parameters<typeof loopbackUrl>[0] };
  const url = loopbackUrl(server.address());
  let closing: Promise<void> | undefined;
  return {
    url,
    close: () => (closing ??= app.close()),
  };
}
