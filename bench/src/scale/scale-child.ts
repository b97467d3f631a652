// Child process: the scale suite (started with --expose-gc, pinned to the measured core).
import { reportFailures, tell } from '../lib/child.js';
import { runCacheMix } from './cache-mix.js';
import { runRevocationScale } from './revocation-scale.js';
import { runStampede } from './stampede.js';

export interface ScaleStart {
  readonly type: 'start';
  readonly stampedeCallers: number;
  readonly revokedJtis: number;
  readonly mixUsers: number;
  readonly mixRequests: number;
}

reportFailures('scale');
process.once('message', (message: ScaleStart) => {
  void (async () => {
    const stampede = await runStampede(message.stampedeCallers);
    const cacheMix = await runCacheMix(message.mixUsers, message.mixRequests);
    // Last: it leaves a million entries on the heap.
    const revocation = runRevocationScale(message.revokedJtis);
    tell({ type: 'result', stampede, cacheMix, revocation });
    process.disconnect?.();
  })().catch((error: unknown) => {
    tell({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    process.exitCode = 1;
    process.disconnect?.();
  });
});
tell({ type: 'ready' });
