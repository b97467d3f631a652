import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startAuthServer, type TestAuthServer } from '../support/start-auth-server.js';

// Browser requests to client-authenticated endpoints (hand-built: CORS is a browser concern).
describe('CORS for browser clients', () => {
  let as: TestAuthServer;
  beforeAll(async () => {
    as = await startAuthServer();
  });
  afterAll(async () => {
    await as.stop();
  });

  const revoke = (origin: string) =>
    fetch(`${as.server.issuer}/token/revocation`, {
      method: 'POST',
      headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: 'orders-web', token: 'garbage' }).toString(),
    });

  it.each(['http://127.0.0.1:8080', 'http://localhost:8080'])(
    'allows orders-web from its redirect origin %s',
    async (origin) => {
      const response = await revoke(origin);
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe(origin);
    },
  );

  it('refuses orders-web from any other origin', async () => {
    const response = await revoke('http://evil.test');
    expect(response.status).toBe(400);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
  });
});
