import express from 'express';
import type { Express } from 'express';
import { listen } from '../e2e/scenario-app.js';
import type { RunningServer } from '../e2e/scenario-app.js';

/**
 * Starts small apps on 127.0.0.1 for one test file and closes them all in `closeAll()` (call it
 * from afterEach/afterAll).
 */
export function appFactory(): { start(build: (app: Express) => void): Promise<RunningServer>; closeAll(): Promise<void> } {
  const running: RunningServer[] = [];
  return {
    async start(build) {
      const app = express();
      build(app);
      const server = await listen(app);
      running.push(server);
      return server;
    },
    async closeAll() {
      await Promise.all(running.splice(0).map((s) => s.close()));
    },
  };
}
