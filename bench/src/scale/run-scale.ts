import { fileURLToPath } from 'node:url';
import { SERVER_CPU, spawnNode, stopChild, waitFor } from '../lib/child.js';
import type { ChildMessage } from '../lib/child.js';
import type { RunConfig } from '../lib/config.js';
import type { CacheMixRow } from './cache-mix.js';
import type { RevocationScale, RevocationVersusMap } from './revocation-scale.js';
import type { ScaleStart } from './scale-child.js';
import type { StampedeRow } from './stampede.js';

export interface ScaleResult {
  readonly stampede: readonly StampedeRow[];
  readonly cacheMix: readonly CacheMixRow[];
  readonly revocation: RevocationScale;
  /** isRevoked next to a plain Map of the same keys: the floor the lookup goal is judged against. */
  readonly revocationVersusMap: RevocationVersusMap;
}

async function runPart<T>(config: RunConfig, part: ScaleStart['part']): Promise<T> {
  const child = spawnNode(fileURLToPath(new URL('./scale-child.js', import.meta.url)), {
    label: `scale ${part}`,
    cpu: SERVER_CPU,
    nodeArgs: ['--expose-gc'],
  });
  try {
    await waitFor(child, 'ready', 30_000, `scale ${part}`);
    const start: ScaleStart = { type: 'start', part, ...config.scale };
    const result = waitFor<ChildMessage & T>(child, 'result', 240_000, `scale ${part}`);
    child.send(start);
    return await result;
  } finally {
    await stopChild(child);
  }
}

/** Runs the scale suite in child processes with --expose-gc (each revocation fill alone in a fresh one). */
export async function runScale(config: RunConfig): Promise<ScaleResult> {
  const { stampede, cacheMix } = await runPart<Pick<ScaleResult, 'stampede' | 'cacheMix'>>(config, 'keys-and-cache');
  const { revocation } = await runPart<Pick<ScaleResult, 'revocation'>>(config, 'revocation');
  const { revocationVersusMap } = await runPart<Pick<ScaleResult, 'revocationVersusMap'>>(
    config,
    'revocation-versus-map',
  );
  return { stampede, cacheMix, revocation, revocationVersusMap };
}
