/**
 * A real `redis-server` process on 127.0.0.1, for fault injection on the orders API's revocation
 * store (REDIS_URL): stop it (connection refused), freeze it (SIGSTOP: commands time out), start
 * it again on the same port (the app must reconnect without a restart).
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';

/** A controllable redis-server. */
export interface RedisProcess {
  readonly url: string;
  readonly port: number;
  /** SIGTERM and wait: connections are refused until `start()`. */
  stop(): Promise<void>;
  start(): Promise<void>;
  pause(): void;
  resume(): void;
  close(): Promise<void>;
}

/** The redis-server binary (REDIS_SERVER or PATH), or `undefined` when not installed. */
export function findRedisServer(): string | undefined {
  const explicit = process.env['REDIS_SERVER'];
  if (explicit) return explicit;
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`redis-server did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts redis-server (no persistence) on a free loopback port. */
export async function startRedis(binary: string): Promise<RedisProcess> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  let paused = false;
  const launch = async (): Promise<void> => {
    child = spawn(binary, ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], {
      stdio: 'ignore',
    });
    await waitForPort(port, 10_000);
  };
  const kill = async (): Promise<void> => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    if (paused) c.kill('SIGCONT');
    paused = false;
    const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    c.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000).unref())]);
    if (c.exitCode === null) c.kill('SIGKILL');
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: kill,
    start: launch,
    pause() {
      if (child && !paused) child.kill('SIGSTOP');
      paused = true;
    },
    resume() {
      if (child && paused) child.kill('SIGCONT');
      paused = false;
    },
    close: kill,
  };
}
