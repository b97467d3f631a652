/**
 * Case results of one test file, written as a JSON fragment under `.test-results/cases/` (an Nx
 * output of the test target) and merged into REPORT.md by the global teardown.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TargetName } from '../targets/target-handle.js';

export type CaseOutcome = 'passed' | 'failed' | 'pending';

/** One (case × target) result. */
export interface CaseResult {
  readonly id: number;
  readonly target: TargetName;
  readonly outcome: CaseOutcome;
  /** Pending reason, or the failures (one per line). */
  readonly detail?: string;
}

/** A fragment file: the entries a test file owns and what happened to them. */
export interface ResultFragment {
  readonly suite: string;
  readonly writtenAt: number;
  /** Every (case, target) pair this suite planned, pending ones included. */
  readonly planned: ReadonlyArray<{ readonly id: number; readonly target: TargetName }>;
  readonly results: readonly CaseResult[];
  /** Free-form extra statistics for the report (fuzz counts …). */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** Directory of the fragments (inside the project's Nx test output). */
export const FRAGMENTS_DIR = fileURLToPath(new URL('../.test-results/cases/', import.meta.url));

/** Collects the results of one suite. */
export class ResultLog {
  private readonly planned: { id: number; target: TargetName }[] = [];
  private readonly results: CaseResult[] = [];
  private extra: Record<string, unknown> = {};

  constructor(readonly suite: string) {}

  plan(id: number, target: TargetName): void {
    this.planned.push({ id, target });
  }

  record(result: CaseResult): void {
    this.results.push(result);
  }

  pending(id: number, target: TargetName, reason: string): void {
    this.plan(id, target);
    this.record({ id, target, outcome: 'pending', detail: reason });
  }

  setExtra(key: string, value: unknown): void {
    this.extra = { ...this.extra, [key]: value };
  }

  /** Writes the fragment (afterAll). */
  write(): void {
    mkdirSync(FRAGMENTS_DIR, { recursive: true });
    const fragment: ResultFragment = { suite: this.suite, writtenAt: Date.now(), planned: this.planned, results: this.results, extra: this.extra };
    writeFileSync(join(FRAGMENTS_DIR, `${this.suite}.json`), JSON.stringify(fragment, null, 1));
  }
}

/**
 * Runs a check and records its result: passed when it returns no failure, failed otherwise (the
 * failures are thrown again so Jest reports the `it` as failed too).
 */
export async function recordOutcome(log: ResultLog, id: number, target: TargetName, check: () => Promise<string[]>): Promise<void> {
  let failures: string[];
  try {
    failures = await check();
  } catch (error) {
    failures = [`runner error: ${(error as Error).stack ?? String(error)}`];
  }
  log.record({ id, target, outcome: failures.length ? 'failed' : 'passed', ...(failures.length ? { detail: failures.join('\n') } : {}) });
  if (failures.length) throw new Error(failures.join('\n'));
}
