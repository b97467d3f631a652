import { loadConfig } from './config.js';
import { createAuthServer } from './create-auth-server.js';

// Entry point: the only place (with config.ts and rotate-keys.ts) that touches process.env.
const server = createAuthServer(loadConfig(process.env));
try {
  await server.listen();
} catch (error) {
  console.error(`auth-server: could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
console.log(`auth-server listening on ${server.url} (issuer ${server.issuer})`);

let stopping = false;
async function stop(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  try {
    await server.close();
    process.exitCode = 0;
  } catch (error) {
    console.error(
      `auth-server: error while stopping on ${signal}: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exitCode = 1;
  }
}
process.once('SIGTERM', (signal) => void stop(signal));
process.once('SIGINT', (signal) => void stop(signal));
