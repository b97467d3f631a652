// Child process: the micro suite, all subjects in this one process (pinned to the server core by
// the orchestrator), started with --expose-gc so each slice starts without the previous one's garbage.
import { checkConformance } from '../../prototypes/conformance.js';
import type { ConformanceResult } from '../../prototypes/conformance.js';
import { loadCoreInternals } from '../../prototypes/core-internals.js';
import type { CoreInternals } from '../../prototypes/core-internals.js';
import { reportFailures, tell } from '../lib/child.js';
import { measureAll } from '../lib/measure.js';
import { ALGORITHMS, readPool } from '../lib/pool.js';
import { buildSubjects } from './subjects.js';

export interface MicroStart {
  readonly type: 'start';
  readonly poolFile: string;
  readonly missCacheEntries: number;
  readonly warmupMs: number;
  readonly rounds: number;
  readonly sliceMs: number;
}

reportFailures('micro');
const gc = (globalThis as { gc?: () => void }).gc;

process.once('message', (message: MicroStart) => {
  void (async () => {
    const pool = readPool(message.poolFile);
    let internals: CoreInternals | undefined;
    let conformance: ConformanceResult;
    try {
      internals = await loadCoreInternals();
      conformance = await checkConformance(internals, pool.corpus, {
        issuer: pool.issuer,
        audience: pool.audience,
        jwks: pool.jwks,
        algorithms: [...ALGORITHMS],
      });
    } catch (error) {
      // Prototype rows are skipped, the shipped and alternative rows still run.
      internals = undefined;
      conformance = {
        entries: 0,
        agreed: 0,
        mismatches: [`prototypes skipped: ${error instanceof Error ? error.message : String(error)}`],
      };
    }
    const subjects = buildSubjects({ pool, missCacheEntries: message.missCacheEntries, internals });
    const timings = await measureAll(subjects, { ...message, between: () => gc?.() });
    tell({ type: 'result', conformance, timings });
    process.disconnect?.();
  })().catch((error: unknown) => {
    tell({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    process.exitCode = 1;
    process.disconnect?.();
  });
});
tell({ type: 'ready' });
