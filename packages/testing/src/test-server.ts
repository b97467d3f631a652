/**
 * An application listening on 127.0.0.1 for a test (random port). Always `close()` it (afterAll).
 *
 * @example
 * ```ts
 * const server: TestServer = await listenForTest(app);
 * await authorizationMatrix({ baseUrl: server.url, issuer, principals, expect });
 * await server.close();
 * ```
 */
export interface TestServer {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  readonly url: string;
  /** Stops listening and closes open connections. Safe to call twice. */
  close(): Promise<void>;
}
