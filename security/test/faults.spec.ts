/**
 * Fault injection with real processes: the key server runs as its own process
 * (faults/key-server-process.ts, started with `process.execPath`) and is stopped, frozen, slowed
 * past the timeout, made to serve garbage, redirects, 50 MB bodies, hostile key sets and rotated
 * keys; the revocation store throws, hangs or answers garbage (a wrapper in targets a–c; a real
 * `redis-server` process behind the orders API). Corpus cases 55, 66, 67, 132–134 and 164–175,
 * one `it` per (case × target), on all four targets; results go to the same report as the corpus.
 */
import { afterAll, afterEach, beforeAll, describe, it } from '@jest/globals';
import { CORPUS } from '../corpus/index.js';
import { ordersApiWorld, PRINCIPALS, specWorld } from '../corpus/world.js';
import { FAULT_SCENARIOS } from '../faults/fault-scenarios.js';
import type { FaultEnv, FaultTarget } from '../faults/fault-scenarios.js';
import { startKeyServer } from '../faults/key-server.js';
import type { KeyServer } from '../faults/key-server.js';
import { findRedisServer, startRedis } from '../faults/redis-process.js';
import type { RedisProcess } from '../faults/redis-process.js';
import { createTargetClock } from '../faults/target-clock.js';
import { startAttackerListener } from '../runner/attacker-listener.js';
import type { AttackerListener } from '../runner/attacker-listener.js';
import { finalizeRun } from '../runner/report.js';
import { ResultLog, recordOutcome } from '../runner/results.js';
import { LogCapture } from '../../test-support/log-capture.js';
import { openMemoryDatabase, startOrdersApiTarget } from '../targets/orders-api-target.js';
import type { OpenDatabase } from '../targets/orders-api-target.js';
import { RESOURCE_METADATA } from '../targets/spec-options.js';
import { startSpecTarget } from '../targets/spec-target.js';
import { TARGET_NAMES } from '../targets/target-handle.js';
import type { TargetHandle, TargetName } from '../targets/target-handle.js';

/** Order matters: 164 (cold start) starts each target. */
const ORDER = [164, 165, 166, 167, 168, 169, 170, 171, 172, 173, 174, 175, 55, 66, 67, 132, 133, 134];
const REDIS_BINARY = findRedisServer();

const log = new ResultLog('faults');
let keyServer: KeyServer;
let attacker: AttackerListener;
let database: OpenDatabase;
let redis: RedisProcess | undefined;
const logs = new LogCapture();
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  keyServer = await startKeyServer();
  attacker = await startAttackerListener();
  database = await openMemoryDatabase();
  if (REDIS_BINARY) redis = await startRedis(REDIS_BINARY);
}, 120_000);

afterAll(async () => {
  log.write();
  finalizeRun();
  for (const close of closers.reverse()) await close().catch(() => undefined);
  await redis?.close();
  await database?.close();
  await attacker?.close();
  await keyServer?.close();
}, 60_000);

const env = (): FaultEnv => ({ keyServer, attacker });

function faultTarget(name: TargetName): FaultTarget {
  const clock = createTargetClock();
  const target: FaultTarget = {
    name,
    clock,
    world: name === 'orders-api' ? ordersApiWorld() : specWorld(name, RESOURCE_METADATA),
    async start(): Promise<TargetHandle> {
      if (target.handle) return target.handle;
      if (name === 'orders-api') {
        const handle = await startOrdersApiTarget({
          issuer: keyServer.issuer,
          audience: keyServer.audience,
          jwksUri: keyServer.jwksUrl,
          clock: clock.now,
          database,
          logs,
          adminToken: () => keyServer.token({ ...PRINCIPALS.ada }, clock.nowSeconds()),
        });
        closers.push(() => handle.close());
        target.handle = handle;
        return handle;
      }
      const handle = await startSpecTarget(name, { keySource: { issuer: keyServer.issuer, audience: keyServer.audience, jwksUri: keyServer.jwksUrl, now: clock.now } });
      closers.push(() => handle.close());
      target.revocationFault = handle.revocationStore;
      target.handle = handle;
      return handle;
    },
  };
  return target;
}

describe.each(TARGET_NAMES)('%s', (name) => {
  const target = faultTarget(name);

  beforeAll(async () => {
    if (name !== 'orders-api' || !redis) return;
    // A second orders API instance whose revocation store (and rate limiter) live in Redis.
    const prefix = `conformance-faults:${process.pid}:`;
    const handle = await startOrdersApiTarget({
      issuer: keyServer.issuer,
      audience: keyServer.audience,
      jwksUri: keyServer.jwksUrl,
      clock: target.clock.now,
      database,
      logs,
      redisUrl: redis.url,
      redisKeyPrefix: prefix,
      adminToken: () => keyServer.token({ ...PRINCIPALS.ada }, target.clock.nowSeconds()),
    });
    closers.push(() => handle.close());
    Object.assign(target, { redis: { process: redis, target: handle, prefix } });
  }, 60_000);

  afterEach(async () => {
    await keyServer.reset();
  });

  for (const id of ORDER) {
    const c = CORPUS.find((x) => x.id === id)!;
    if (name === 'orders-api' && [132, 133, 134].includes(id) && !REDIS_BINARY) {
      const reason = 'redis-server is not installed (set REDIS_SERVER or install it): the orders API revocation store can only fail through Redis';
      log.pending(id, name, reason);
      it.skip(`#${id} ${c.title} — PENDING: ${reason}`, () => undefined);
      continue;
    }
    log.plan(id, name);
    it(
      `#${id} ${c.title}`,
      () =>
        recordOutcome(log, id, name, async () => {
          if (id !== 164) await target.start();
          return FAULT_SCENARIOS[id]!(target, env());
        }),
      90_000,
    );
  }
});
