// Child process: the micro suite, all subjects in this one process (pinned to the server core by
// the orchestrator), started with --expose-gc so each slice starts without the previous one's garbage.
import { checkConformance } from '../../prototypes/conformance.js';
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
    const conformance = await checkConformance(pool.corpus, {
      issuer: pool.issuer,
      audience: pool.audience,
      jwks: pool.jwks,
      algorithms: [...ALGORITHMS],
    });
    const subjects = buildSubjects({ pool, missCacheEntries: message.missCacheEntries });
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
