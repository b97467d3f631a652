import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DestinationStream } from 'pino';
import { loadConfig as loadAuthConfig } from '../../../apps/auth-server/src/config.js';
import { createAuthServer } from '../../../apps/auth-server/src/create-auth-server.js';
import { loadConfig as loadApiConfig } from '../../../apps/orders-api/src/config/load-config.js';
import { createOrdersApi } from '../../../apps/orders-api/src/create-app.js';

/** Both reference apps running in this process on 127.0.0.1, as `npm start` runs them. */
export interface TestStack {
  readonly authUrl: string;
  readonly apiUrl: string;
  /** Errors the auth server logged (oidc-provider `server_error`s). */
  readonly authErrors: readonly string[];
  /** JSON log lines of the orders API at level `error` or above. */
  readonly apiErrors: readonly string[];
  stop(): Promise<void>;
}

/**
 * Starts the auth server (fresh keys in a temporary KEYS_FILE) and then the orders API (in-memory
 * database, seeded) on free ports, each configured through its own `loadConfig` from env values,
 * the way their `main.ts` do. The API trusts the auth server's issuer and discovers its keys.
 */
export async function startTestStack(): Promise<TestStack> {
  const dir = await mkdtemp(join(tmpdir(), 'portcullis-demo-'));
  const authErrors: string[] = [];
  const apiErrors: string[] = [];
  const auth = await createAuthServer(
    loadAuthConfig({ PORT: '0', HOST: '127.0.0.1', KEYS_FILE: join(dir, 'jwks.json') }),
    {
      error: (message) => authErrors.push(message),
    },
  ).listen();

  const logs: DestinationStream = {
    write(line: string) {
      // pino levels: 50 error, 60 fatal.
      if (/"level":(5|6)0\b/.test(line)) apiErrors.push(line);
    },
  };
  let api: Awaited<ReturnType<typeof createOrdersApi>>;
  try {
    // Rate limits stay at the defaults `npm start` uses, so the demo is tested as it is run.
    const config = loadApiConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      AUTH_ISSUER: auth.issuer,
      DATABASE_URL: 'memory://',
      LOG_LEVEL: 'warn',
    });
    api = await createOrdersApi(config, { logDestination: logs });
    await api.listen(0, '127.0.0.1');
  } catch (error) {
    await auth.close();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const apiUrl = (await api.getUrl()).replace('[::1]', '127.0.0.1');

  return {
    authUrl: auth.issuer,
    apiUrl,
    authErrors,
    apiErrors,
    async stop() {
      await api.close();
      await auth.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
