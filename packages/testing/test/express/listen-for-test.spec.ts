import { expect, it } from '@jest/globals';
import express from 'express';
import { listenForTest } from '../../src/express/index.js';

it('serves an Express app on 127.0.0.1 with a random port and closes keep-alive connections', async () => {
  const app = express();
  app.get('/ping', (_req, res) => {
    res.json({ pong: true });
  });
  const server = await listenForTest(app);
  expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(server.server.listening).toBe(true);
  expect(await (await fetch(`${server.url}/ping`, { signal: AbortSignal.timeout(5000) })).json()).toEqual({
    pong: true,
  });
  await Promise.all([server.close(), server.close()]);
  expect(server.server.listening).toBe(false);
});

it('serves a plain request listener too, and validates its argument', async () => {
  const server = await listenForTest((_req, res) => res.end('hi'));
  try {
    expect(await (await fetch(server.url, { signal: AbortSignal.timeout(5000) })).text()).toBe('hi');
  } finally {
    await server.close();
  }
  await expect(listenForTest({} as never)).rejects.toThrow(/app must be an Express app/);
});
