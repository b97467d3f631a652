/**
 * The SPEC.md B corpus over real HTTP on 127.0.0.1, against four targets: (a) Nest on Express,
 * (b) Nest on Fastify, (c) Express — one SPEC target app on three stacks — and (d) the orders API.
 *
 * One `it` per (case × target). A case's factory mints its real (bad) tokens with the local test
 * issuer and returns the exact requests; the runner checks status, Portcullis code and body,
 * the exact `WWW-Authenticate`, `Retry-After`, that nothing downstream ran, one audit event per
 * denial, and that no token reached the target's logs. Pending cases are `it.skip` with their
 * reason and are counted as pending, never as passed. Cases owned by the fault-injection suite
 * (runner "faults") are planned there (test/faults.spec.ts).
 */
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { CORPUS, pendingReason } from '../corpus/index.js';
import { createCaseContext } from '../runner/case-context.js';
import { checkCase176 } from '../runner/config-checks.js';
import { finalizeRun } from '../runner/report.js';
import { ResultLog, recordOutcome } from '../runner/results.js';
import { runCase } from '../runner/run-case.js';
import { startConformanceEnv } from '../targets/start-conformance-env.js';
import type { ConformanceEnv } from '../targets/start-conformance-env.js';
import { TARGET_NAMES } from '../targets/target-handle.js';
import { PRINCIPALS } from '../corpus/world.js';

const log = new ResultLog('conformance');
let env: ConformanceEnv;

beforeAll(async () => {
  env = await startConformanceEnv();
}, 120_000);

afterAll(async () => {
  log.write();
  finalizeRun();
  await env?.close();
});

describe.each(TARGET_NAMES)('%s', (target) => {
  for (const c of CORPUS) {
    const runner = c.runner ?? 'http';
    if (runner === 'faults') continue;
    const reason = pendingReason(c, target);
    if (reason !== undefined) {
      log.pending(c.id, target, reason);
      it.skip(`#${c.id} ${c.title} — PENDING: ${reason}`, () => undefined);
      continue;
    }
    log.plan(c.id, target);
    if (runner === 'config') {
      it(`#${c.id} ${c.title}`, () =>
        recordOutcome(log, c.id, target, () =>
          checkCase176(env.targets.get(target)!, env.issuer, env.attacker, (iss) => env.issuer.token({ ...PRINCIPALS.alice, iss })),
        ),
      );
      continue;
    }
    it(`#${c.id} ${c.title}`, () =>
      recordOutcome(log, c.id, target, () => {
        const handle = env.targets.get(target)!;
        const ctx = createCaseContext({
          target: handle,
          world: env.worlds.get(target)!,
          issuer: env.issuer,
          attacker: env.attacker,
          ...(target === 'orders-api' ? { rateLimited: env.rateLimited } : {}),
        });
        return runCase(c, handle, ctx);
      }),
    );
  }
});
