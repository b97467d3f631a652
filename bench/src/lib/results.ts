import type { HttpResult } from '../http/run-http.js';
import type { MicroResult } from '../micro/run-micro.js';
import type { ScaleResult } from '../scale/run-scale.js';
import type { RunConfig } from './config.js';
import type { GitState, MachineInfo } from './machine.js';

/** One goal of issue 9 as measured in this run. `met: null` when its suite did not run or a row is missing. */
export interface GoalResult {
  readonly id: string;
  readonly goal: string;
  readonly target: string;
  readonly measured: string;
  readonly met: boolean | null;
}

/** Everything one `npm run bench` measured; written as bench/results/<date>.json. */
export interface BenchResults {
  readonly schema: 1;
  readonly date: string;
  readonly mode: RunConfig['mode'];
  readonly durationS: number;
  readonly machine: MachineInfo;
  /** 1-minute load average before and after the run (other processes on the same cores). */
  readonly loadAverage: { readonly before: number; readonly after: number };
  readonly versions: Readonly<Record<string, string>>;
  /** The commit measured and the uncommitted package changes its build included. */
  readonly git: GitState;
  readonly config: RunConfig;
  readonly notes: readonly string[];
  readonly micro?: MicroResult;
  readonly http?: HttpResult;
  readonly scale?: ScaleResult;
  readonly goals: readonly GoalResult[];
}
