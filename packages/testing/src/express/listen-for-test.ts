import { createServer } from 'node:http';
import type { RequestListener, Server } from 'node:http';
import { loopbackUrl } from '../internal/loopback-url.js';
import type { TestServer } from '../test-server.js';

/**
 * Starts an Express app (or any Node request listener) on 127.0.0.1 with a random port, for
 * tests that send real HTTP requests (`fetch`, `asPrincipal(…).fetch`, `authorizationMatrix`).
 * `close()` also closes keep-alive connections, so Jest exits cleanly.
 *
 * @example
 * ```ts
 * const server = await listenForTest(app);
 * const res = await asPrincipal(issuer, { sub: 'alice', scope: 'orders:read' }).fetch(`${server.url}/orders`);
 * await server.close();
 * ```
 */
export async function listenForTest(app: RequestListener): Promise<TestServer & { readonly server: Server }> {
  if (typeof app !== 'function') {
    throw new TypeError('listenForTest(app): app must be an Express app (or a (req, res) request listener)');
  }
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  let closing: Promise<void> | undefined;
  return {
    url: loopbackUrl(server.address()),
    server,
    close: () =>
      (closing ??= new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      })),
  };
}
