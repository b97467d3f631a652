import { fileURLToPath } from 'node:url';
import type { ConformanceResult } from '../../prototypes/conformance.js';
import { SERVER_CPU, spawnNode, stopChild, waitFor } from '../lib/child.js';
import type { ChildMessage } from '../lib/child.js';
import type { RunConfig } from '../lib/config.js';
import type { Timing } from '../lib/measure.js';
import type { MicroStart } from './micro-child.js';

export interface MicroResult {
  readonly conformance: ConformanceResult;
  readonly timings: readonly Timing[];
}

/** Runs the micro suite in one child process pinned to the measured core. */
export async function runMicro(poolFile: string, config: RunConfig, subjectCount = 45): Promise<MicroResult> {
  const child = spawnNode(fileURLToPath(new URL('./micro-child.js', import.meta.url)), {
    label: 'micro',
    cpu: SERVER_CPU,
    nodeArgs: ['--expose-gc'],
  });
  try {
    await waitFor(child, 'ready', 30_000, 'micro');
    const { warmupMs, rounds, sliceMs } = config.micro;
    // Generous bound: every subject's warm-up and slices, three times over, plus the conformance pass.
    const budgetMs = 3 * subjectCount * (warmupMs + rounds * sliceMs) + 120_000;
    const start: MicroStart = {
      type: 'start',
      poolFile,
      missCacheEntries: config.missCacheEntries,
      warmupMs,
      rounds,
      sliceMs,
    };
    const result = waitFor<ChildMessage & MicroResult>(child, 'result', budgetMs, 'micro');
    child.send(start);
    const { conformance, timings } = await result;
    return { conformance, timings };
  } finally {
    await stopChild(child);
  }
}
