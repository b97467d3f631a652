/**
 * Everything the corpus runs against, on 127.0.0.1: the local test issuer (frozen clock, keys for
 * ES256, RS256, EdDSA, PS256 and the disallowed ES512/PS512), an attacker listener, the three
 * SPEC targets, the orders API, and a second orders API instance with a low rate limit (case
 * 110) sharing the first one's database and log capture.
 */
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer } from '@portcullis/testing';
import { ordersApiWorld, PRINCIPALS, specWorld } from '../corpus/world.js';
import type { World } from '../corpus/world.js';
import { startAttackerListener } from '../runner/attacker-listener.js';
import type { AttackerListener } from '../runner/attacker-listener.js';
import { LogCapture } from '../../test-support/log-capture.js';
import { openMemoryDatabase, startOrdersApiTarget } from './orders-api-target.js';
import type { OrdersApiTarget } from './orders-api-target.js';
import { RESOURCE_METADATA } from './spec-options.js';
import { startSpecTarget } from './spec-target.js';
import type { SpecTarget } from './spec-target.js';
import type { TargetHandle, TargetName } from './target-handle.js';

/** Burst limit of the rate-limited orders API instance (case 110). */
export const RATE_LIMIT_BURST = 5;

export interface ConformanceEnv {
  readonly issuer: TestIssuer;
  readonly attacker: AttackerListener;
  readonly targets: ReadonlyMap<TargetName, TargetHandle>;
  readonly specTargets: readonly SpecTarget[];
  readonly ordersApi: OrdersApiTarget;
  readonly worlds: ReadonlyMap<TargetName, World>;
  readonly rateLimited: { readonly url: string; readonly burst: number };
  close(): Promise<void>;
}

export async function startConformanceEnv(): Promise<ConformanceEnv> {
  const issuer = await createTestIssuer({ algorithms: ['ES256', 'RS256', 'EdDSA', 'PS256', 'ES512', 'PS512'], now: Date.now() });
  const closers: Array<() => Promise<void>> = [() => issuer.close()];
  try {
    const attacker = await startAttackerListener();
    closers.push(() => attacker.close());
    const keySource = issuer.verifierOptions();
    const specTargets = await Promise.all((['nest-express', 'nest-fastify', 'express'] as const).map((name) => startSpecTarget(name, { keySource })));
    for (const t of specTargets) closers.push(() => t.close());
    const database = await openMemoryDatabase();
    closers.push(() => database.close());
    const logs = new LogCapture();
    const common = {
      issuer: issuer.issuer,
      audience: issuer.audience,
      clock: () => issuer.clock.now(),
      database,
      logs,
      adminToken: () => issuer.token(PRINCIPALS.ada),
    };
    const ordersApi = await startOrdersApiTarget(common);
    closers.push(() => ordersApi.close());
    const limited = await startOrdersApiTarget({ ...common, rateLimit: { perMinute: 1000, burst: RATE_LIMIT_BURST } });
    closers.push(() => limited.close());
    const targets = new Map<TargetName, TargetHandle>([...specTargets.map((t) => [t.name, t] as const), ['orders-api', ordersApi]]);
    const worlds = new Map<TargetName, World>([
      ...specTargets.map((t) => [t.name, specWorld(t.name, RESOURCE_METADATA)] as const),
      ['orders-api', ordersApiWorld()],
    ]);
    return {
      issuer,
      attacker,
      targets,
      specTargets,
      ordersApi,
      worlds,
      rateLimited: { url: limited.url, burst: RATE_LIMIT_BURST },
      close: () => closeAll(closers),
    };
  } catch (error) {
    await closeAll(closers);
    throw error;
  }
}

async function closeAll(closers: Array<() => Promise<void>>): Promise<void> {
  for (const close of closers.reverse()) await close().catch(() => undefined);
}
