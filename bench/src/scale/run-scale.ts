import { fileURLToPath } from 'node:url';
import { SERVER_CPU, spawnNode, stopChild, waitFor } from '../lib/child.js';
import type { ChildMessage } from '../lib/child.js';
import type { RunConfig } from '../lib/config.js';
import type { CacheMixRow } from './cache-mix.js';
import type { RevocationScale } from './revocation-scale.js';
import type { ScaleStart } from './scale-child.js';
import type { StampedeRow } from './stampede.js';

export interface ScaleResult {
  readonly stampede: readonly StampedeRow[];
  readonly cacheMix: readonly CacheMixRow[];
  readonly revocation: RevocationScale;
}

/** Runs the scale suite in a child process with --expose-gc. */
export async function runScale(config: RunConfig): Promise<ScaleResult> {
  const child = spawnNode(fileURLToPath(new URL('./scale-child.js', import.meta.url)), {
    label: 'scale',
    cpu: SERVER_CPU,
    nodeArgs: ['--expose-gc'],
  });
  try {
    await waitFor(child, 'ready', 30_000, 'scale');
    const start: ScaleStart = { type: 'start', ...config.scale };
    const result = waitFor<ChildMessage & ScaleResult>(child, 'result', 240_000, 'scale');
    child.send(start);
    const { stampede, cacheMix, revocation } = await result;
    return { stampede, cacheMix, revocation };
  } finally {
    await stopChild(child);
  }
}
