/**
 * Parent side of the key-server process (faults/key-server-process.ts): starts it with
 * `process.execPath`, reads its address line, and drives it over its control endpoint or with
 * signals (SIGSTOP/SIGCONT freeze it entirely).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export type KeyServerMode = 'ok' | 'hang' | 'slow' | 'garbage' | 'error' | 'huge' | 'redirect';
export type KeySetVariant = 'normal' | 'weak-rsa' | 'enc-use' | 'oct' | 'private' | 'dup-kid' | 'three-es256';
export type CustomKeyName = 'weak-rsa' | 'enc-use' | 'key-ops' | 'oct' | 'private' | 'dup-kid' | 'no-kid';

/** The running key server. */
export interface KeyServer {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUrl: string;
  readonly pid: number;
  mode(mode: KeyServerMode, options?: { delayMs?: number; bytes?: number; location?: string }): Promise<void>;
  keySet(variant: KeySetVariant): Promise<void>;
  /** Stops listening (connection refused); `start()` listens on the same port again. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** SIGSTOP / SIGCONT: the whole process freezes (connections accepted by the kernel, never answered). */
  pause(): void;
  resume(): void;
  /** A token from the server's issuer; `now` (seconds) sets iat, exp = now + 300. */
  token(claims: Record<string, unknown>, now: number, options?: Record<string, unknown>): Promise<string>;
  /** A token signed by one of the hostile key-set members. */
  customToken(key: CustomKeyName, claims: Record<string, unknown>, now: number): Promise<string>;
  addKey(alg?: 'ES256' | 'RS256'): Promise<string>;
  removeKey(kid: string): Promise<void>;
  /** Requests served at /jwks so far. */
  fetchCount(): Promise<number>;
  /** Back to normal: listening, not paused, mode ok, normal key set. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

const SCRIPT = fileURLToPath(new URL('./key-server-process.ts', import.meta.url));

/** Starts the key server process and waits for its address line. */
export async function startKeyServer(): Promise<KeyServer> {
  const child: ChildProcess = spawn(process.execPath, [SCRIPT], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const info = await new Promise<{ issuer: string; audience: string; jwksUrl: string; controlUrl: string }>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`key server did not start: ${stderr}`)), 30_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as { issuer: string; audience: string; jwksUrl: string; controlUrl: string });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`key server exited (${code}): ${stderr}`));
    });
  });
  let paused = false;
  const call = async <T>(path: string, body: unknown = {}): Promise<T> => {
    const res = await fetch(`${info.controlUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    if (res.status !== 200) throw new Error(`key server control ${path}: ${res.status}`);
    const value = (await res.json()) as T & { error?: string };
    if (value.error) throw new Error(`key server control ${path}: ${value.error}`);
    return value;
  };
  const server: KeyServer = {
    issuer: info.issuer,
    audience: info.audience,
    jwksUrl: info.jwksUrl,
    pid: child.pid!,
    mode: async (mode, options = {}) => void (await call('/mode', { mode, ...options })),
    keySet: async (variant) => void (await call('/keyset', { variant })),
    stop: async () => void (await call('/stop')),
    start: async () => void (await call('/start')),
    pause() {
      if (!paused) child.kill('SIGSTOP');
      paused = true;
    },
    resume() {
      if (paused) child.kill('SIGCONT');
      paused = false;
    },
    token: async (claims, now, options = {}) => (await call<{ token: string }>('/token', { claims, now, options })).token,
    customToken: async (key, claims, now) => (await call<{ token: string }>('/custom-token', { key, claims, now })).token,
    addKey: async (alg = 'ES256') => (await call<{ kid: string }>('/add-key', { alg })).kid,
    removeKey: async (kid) => void (await call('/remove-key', { kid })),
    fetchCount: async () => (await call<{ fetchCount: number }>('/stats')).fetchCount,
    async reset() {
      server.resume();
      await call('/start');
      await call('/mode', { mode: 'ok' });
      await call('/keyset', { variant: 'normal' });
    },
    async close() {
      server.resume();
      child.stdin?.destroy();
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000).unref())]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
  return server;
}
