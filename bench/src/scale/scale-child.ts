// Child process: the scale suite (started with --expose-gc, pinned to the measured core).
import { reportFailures, tell } from '../lib/child.js';
import { runCacheMix } from './cache-mix.js';
import { runRevocationScale, runRevocationVersusMap } from './revocation-scale.js';
import { runStampede } from './stampede.js';

export interface ScaleStart {
  readonly type: 'start';
  /**
   * `keys-and-cache`: stampede and cache mix; `revocation`: the 1 M store, alone in a fresh
   * process so that no earlier work has already grown (or shrunk) the heap it is measured against;
   * `revocation-versus-map`: the store next to a plain Map of the same keys (lookup floor).
   */
  readonly part: 'keys-and-cache' | 'revocation' | 'revocation-versus-map';
  readonly stampedeCallers: number;
  readonly revokedJtis: number;
  readonly mixUsers: number;
  readonly mixRequests: number;
}

reportFailures('scale');
process.once('message', (message: ScaleStart) => {
  void (async () => {
    if (message.part === 'revocation') {
      tell({ type: 'result', revocation: runRevocationScale(message.revokedJtis) });
    } else if (message.part === 'revocation-versus-map') {
      tell({ type: 'result', revocationVersusMap: runRevocationVersusMap(message.revokedJtis) });
    } else {
      const stampede = await runStampede(message.stampedeCallers);
      const cacheMix = await runCacheMix(message.mixUsers, message.mixRequests);
      tell({ type: 'result', stampede, cacheMix });
    }
    process.disconnect?.();
  })().catch((error: unknown) => {
    tell({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    process.exitCode = 1;
    process.disconnect?.();
  });
});
tell({ type: 'ready' });
