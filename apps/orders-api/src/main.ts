import 'reflect-metadata';
import { createOrdersApi } from './create-app.js';
import { ConfigError } from './config/config-error.js';
import { loadConfig } from './config/load-config.js';
import { createRootLogger } from './logging/logger-options.js';

// Reads the environment, builds the app, listens, and logs one line with its URL when ready.
// SIGTERM/SIGINT close the server, the database and Redis, then the process exits.
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`orders-api: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createRootLogger(config.logLevel);
  try {
    const app = await createOrdersApi(config, { logger });
    // On SIGTERM/SIGINT: stop accepting connections, let requests in flight finish, close the
    // database and Redis (ResourceLifecycle), flush the logs, then exit 0.
    app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
    await app.listen(config.port, config.host);
    const url = (await app.getUrl()).replace('[::1]', 'localhost');
    // The ready line is part of the contract (tools wait for it): logged even when LOG_LEVEL is
    // above info, unless logs are silenced altogether.
    logger.child({}, { level: config.logLevel === 'silent' ? 'silent' : 'info' }).info({ url }, `orders-api listening on ${url}`);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`orders-api: ${error.message}\n`);
    } else {
      logger.fatal({ err: error }, 'orders-api failed to start');
    }
    process.exit(1);
  }
}

void main();
