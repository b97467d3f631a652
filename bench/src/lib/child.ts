import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** `taskset` exists and there are at least two cores: servers go to core 1, everything else to core 0. */
export const CAN_PIN: boolean = (() => {
  if (availableParallelism() < 2) return false;
  const probe = spawnSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
  return probe.status === 0;
})();

/** Core of the measured process (server or micro suite) and of the load generator. */
export const SERVER_CPU = 1;
export const LOADGEN_CPU = 0;

export interface NodeChildOptions {
  /** Pin to this core with `taskset -c` when possible. */
  readonly cpu?: number;
  readonly env?: Readonly<Record<string, string>>;
  readonly nodeArgs?: readonly string[];
  /** Label used in error messages. */
  readonly label: string;
}

/**
 * Starts `script` on the pinned Node (this process's own `execPath`, i.e. node_modules/.bin/node
 * under npm) with an IPC channel, optionally pinned to one core.
 */
export function spawnNode(script: string, options: NodeChildOptions): ChildProcess {
  const nodeArgs = [...(options.nodeArgs ?? []), script];
  const [command, args] =
    CAN_PIN && options.cpu !== undefined
      ? ['taskset', ['-c', String(options.cpu), process.execPath, ...nodeArgs]]
      : [process.execPath, nodeArgs];
  const child = spawn(command, args as string[], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...options.env },
  });
  child.on('error', (error) => console.error(`[${options.label}] ${error.message}`));
  return child;
}

export interface ChildMessage {
  readonly type: string;
  readonly [key: string]: unknown;
}

/** Waits for the first IPC message of `type`; rejects on exit, an `error` message, or after `timeoutMs`. */
export function waitFor<T extends ChildMessage>(
  child: ChildProcess,
  type: string,
  timeoutMs: number,
  label: string,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => finish(new Error(`${label}: no "${type}" message within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onMessage = (message: ChildMessage): void => {
      if (message.type === type) finish(undefined, message as T);
      else if (message.type === 'error') finish(new Error(`${label}: ${String(message['message'])}`));
    };
    const onExit = (code: number | null, signal: string | null): void =>
      finish(new Error(`${label}: exited (code ${code}, signal ${signal}) before "${type}"`));
    function finish(error?: Error, value?: T): void {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(value!);
    }
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/** Sends a request over IPC and waits for the reply of `replyType`. */
export async function ask<T extends ChildMessage>(
  child: ChildProcess,
  message: ChildMessage,
  replyType: string,
  timeoutMs: number,
  label: string,
): Promise<T> {
  const reply = waitFor<T>(child, replyType, timeoutMs, label);
  child.send(message);
  return reply;
}

/** Stops a child we started (by its own pid) and waits for it; SIGKILL after `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Resident memory of a process in MiB from /proc (current and peak). Under `taskset` the pid is
 * node's own (taskset execs it). `undefined` off Linux.
 */
export function readRss(pid: number | undefined): { rssMiB: number; peakMiB: number } | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string): number =>
      Number(new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1] ?? NaN) / 1024;
    return { rssMiB: field('VmRSS'), peakMiB: field('VmHWM') };
  } catch {
    return undefined;
  }
}

/** In a child: send a message to the parent (no-op without IPC). */
export function tell(message: ChildMessage): void {
  process.send?.(message);
}

/** In a child: reports an uncaught failure to the parent and exits non-zero. */
export function reportFailures(label: string): void {
  const fail = (error: unknown): void => {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    tell({ type: 'error', message: `${label}: ${message}` });
    console.error(`[${label}]`, message);
    process.exitCode = 1;
    setTimeout(() => process.exit(1), 100).unref();
  };
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
  // The parent going away (Ctrl-C, crash) must not leave servers behind.
  process.on('disconnect', () => process.exit(0));
}

/** CPU time (user + system) a process has used so far, in seconds, from /proc; `undefined` off Linux. */
export function readCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15 (1-based).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** USER_HZ: 100 on every Linux that matters; `getconf CLK_TCK` confirms it. */
const CLOCK_TICKS = 100;
