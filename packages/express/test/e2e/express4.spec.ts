/**
 * Express 4 (the peer range's other major): the whole adapter truth table and the raw-header
 * duplicate check, with every `express` import — in the package and in the scenario app —
 * resolved to express@4 (installed as the `express4` alias).
 */
import { describe, expect, it, jest } from '@jest/globals';
import express4 from 'express4';

jest.unstable_mockModule('express', () => ({ default: express4 }));

const scenario = await import('./scenario-app.js');
const { runAdapterCases } = await import('./run-adapter-cases.js');
const { createTestIssuer } = await import('@portcullis/testing');
const { rawRequest } = await import('../support/http.js');

describe('Express 4 is really in use', () => {
  it('the scenario app is an Express 4 app', async () => {
    const issuer = await createTestIssuer();
    try {
      const { app } = scenario.createScenarioApp({ verifierOptions: issuer.verifierOptions() });
      // Express 5 removed app.del and has `app.router` as a getter; Express 4 has `_router` after lazyrouter.
      expect(typeof (app as unknown as { del?: unknown }).del).toBe('function');
      const server = await scenario.listen(app);
      try {
        const bob = await issuer.token({ sub: 'bob', scope: 'orders:read' });
        const res = await rawRequest(`${server.url}/orders`, { headers: { authorization: [`Bearer ${bob}`, `Bearer ${bob}`] } });
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('ERR_INVALID_REQUEST');
      } finally {
        await server.close();
      }
    } finally {
      await issuer.close();
    }
  });
});

runAdapterCases('Express 4', scenario);
