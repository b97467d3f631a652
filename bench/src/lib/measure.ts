import { median, rotate, spread } from './stats.js';

/** One thing to time: `op(i)` is called with a running index (use it to walk a token pool). */
export interface Subject {
  /** Section of the results table. */
  readonly group: string;
  readonly name: string;
  readonly alg?: string;
  /** `true` when `op` returns a promise that must be awaited. */
  readonly async: boolean;
  readonly op: (i: number) => unknown;
  /** Checked after timing (e.g. "no cache hit in a cache-miss run"); returns a problem or `undefined`. */
  readonly check?: () => string | undefined;
  /** Shown next to the number (what is configured, what it leaves out). */
  readonly note?: string;
}

export interface Timing {
  readonly group: string;
  readonly name: string;
  readonly alg?: string;
  /** Median over rounds. */
  readonly opsPerSec: number;
  readonly nsPerOp: number;
  readonly rounds: readonly number[];
  /** (max − min) / median over rounds. */
  readonly spread: number;
  readonly note?: string;
  readonly problem?: string;
}

export interface MeasureOptions {
  readonly warmupMs: number;
  readonly rounds: number;
  readonly sliceMs: number;
  /** Called between slices (e.g. a forced GC so one subject's garbage is not billed to the next). */
  readonly between?: () => void;
}

/**
 * Runs `subject` for about `ms` and returns its rate. The clock is read every batch, not every
 * call, so it does not dominate sub-microsecond operations.
 */
async function slice(subject: Subject, cursor: { i: number }, ms: number): Promise<number> {
  let i = cursor.i;
  const first = i;
  const start = performance.now();
  const end = start + ms;
  let now = start;
  const op = subject.op;
  if (subject.async) {
    while (now < end) {
      for (let k = 0; k < 32; k++) await op(i++);
      now = performance.now();
    }
  } else {
    while (now < end) {
      for (let k = 0; k < 256; k++) op(i++);
      now = performance.now();
    }
  }
  cursor.i = i;
  return ((i - first) * 1000) / (now - start);
}

/**
 * Warm-up for every subject, then `rounds` rounds over all subjects, each round in a rotated
 * order (so drift — thermal, a neighbour's load — spreads over all subjects), median per subject.
 * A subject whose `op` throws is reported with the error and no number.
 */
export async function measureAll(subjects: readonly Subject[], options: MeasureOptions): Promise<Timing[]> {
  const cursors = new Map<Subject, { i: number }>(subjects.map((s) => [s, { i: 0 }]));
  const samples = new Map<Subject, number[]>(subjects.map((s) => [s, []]));
  const failures = new Map<Subject, string>();
  for (const subject of subjects) {
    try {
      await slice(subject, cursors.get(subject)!, options.warmupMs);
    } catch (error) {
      failures.set(subject, error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    }
    options.between?.();
  }
  for (let round = 0; round < options.rounds; round++) {
    for (const subject of rotate(subjects, round * Math.max(1, Math.floor(subjects.length / options.rounds)))) {
      if (failures.has(subject)) continue;
      try {
        samples.get(subject)!.push(await slice(subject, cursors.get(subject)!, options.sliceMs));
      } catch (error) {
        failures.set(subject, error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      }
      options.between?.();
    }
  }
  return subjects.map((subject) => {
    const rounds = samples.get(subject)!;
    const opsPerSec = median(rounds);
    const problem = failures.get(subject) ?? subject.check?.();
    return {
      group: subject.group,
      name: subject.name,
      ...(subject.alg === undefined ? {} : { alg: subject.alg }),
      opsPerSec: failures.has(subject) ? Number.NaN : opsPerSec,
      nsPerOp: failures.has(subject) ? Number.NaN : 1e9 / opsPerSec,
      rounds,
      spread: spread(rounds),
      ...(subject.note === undefined ? {} : { note: subject.note }),
      ...(problem === undefined ? {} : { problem }),
    };
  });
}
