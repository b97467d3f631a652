// Child process: one benchmark server. The orchestrator starts it pinned to the server core with
// BENCH_VARIANT (an id from variants.ts) and BENCH_CONFIG (a ServerConfig as JSON).
import { reportFailures, tell } from '../lib/child.js';
import { cacheCounters } from './server-types.js';
import type { ServerConfig, StartedServer } from './server-types.js';
import { VARIANTS } from './variants.js';

type Start = (
  config: ServerConfig,
  platform?: string,
  options?: Readonly<Record<string, unknown>>,
) => Promise<StartedServer>;

const id = process.env['BENCH_VARIANT'] ?? '';
reportFailures(`server ${id}`);
const variant = VARIANTS.find((v) => v.id === id);
if (variant === undefined) throw new Error(`unknown BENCH_VARIANT "${id}"`);
const config = JSON.parse(process.env['BENCH_CONFIG'] ?? '{}') as ServerConfig;
const { start } = (await import(`./servers/${variant.module}.js`)) as { start: Start };
const server = await start(config, variant.nestPlatform, variant.options);

process.on('message', (message: { type?: string }) => {
  if (message.type === 'stats') {
    tell({
      type: 'stats',
      hits: cacheCounters.hits,
      misses: cacheCounters.misses,
      memory: { ...process.memoryUsage() },
    });
  }
});
process.once('SIGTERM', () => {
  void server.close().finally(() => process.exit(0));
});
tell({ type: 'ready', port: server.port });
