/**
 * Nest ⇄ Express behaviour parity (issue 4): the same scenario app built with @portcullis/nest
 * (on Express and on Fastify) and with @portcullis/express (app-wide gate, and self-authenticating
 * router), all trusting ONE test issuer, and the whole shared truth table
 * (test-support/adapter-cases.ts) run against each with authorizationMatrix.
 *
 * 1. Each adapter matches the table (a failure prints the grid of every wrong cell).
 * 2. For every row of the table, all adapters answer the same status, body `code` and
 *    WWW-Authenticate header — also where the table does not pin a value (e.g. a 200 has no
 *    challenge and no code on any adapter).
 *
 * The scenario apps are the adapters' own e2e fixtures (packages/nest/test/e2e/support,
 * packages/express/test/e2e/scenario-app.ts), not copies.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ADAPTER_CASES } from '../../../../test-support/adapter-cases.js';
import type { PrincipalName } from '../../../../test-support/adapter-cases.js';
import { adapterCaseMatrix, caseOf, caseRoute } from '../../../../test-support/adapter-matrix.js';
import { createScenarioApp } from '../../../express/test/e2e/scenario-app.js';
import type { ScenarioVariant } from '../../../express/test/e2e/scenario-app.js';
import { portcullisImport, scenarioModule, SCENARIO_OPTIONS } from '../../../nest/test/e2e/support/scenario-app.js';
import { startApp } from '../../../nest/test/e2e/support/start-app.js';
import type { Platform } from '../../../nest/test/e2e/support/start-app.js';
import { AuthorizationMatrixError, authorizationMatrix, createTestIssuer } from '../../src/index.js';
import type { AuthorizationMatrixResult, ObservedOutcome, TestIssuer } from '../../src/index.js';
import { listenForTest, portcullisTestingOptions as expressTestingOptions } from '../../src/express/index.js';
import { portcullisTestingOptions as nestTestingOptions } from '../../src/nest/index.js';
import type { TestServer } from '../../src/nest/index.js';

type Adapter = `nest/${Platform}` | `express/${ScenarioVariant}`;
const ADAPTERS: readonly Adapter[] = ['nest/express', 'nest/fastify', 'express/gate', 'express/router'];

async function start(adapter: Adapter, issuer: TestIssuer): Promise<TestServer> {
  const [framework, variant] = adapter.split('/') as ['nest' | 'express', string];
  if (framework === 'nest') {
    const options = nestTestingOptions(issuer, { ...SCENARIO_OPTIONS, audit: () => {} });
    return startApp(scenarioModule(portcullisImport('forRoot', options)), variant as Platform);
  }
  const { app } = createScenarioApp({
    verifierOptions: expressTestingOptions(issuer),
    variant: variant as ScenarioVariant,
  });
  return listenForTest(app);
}

let issuer: TestIssuer;
const servers: TestServer[] = [];
const results = new Map<Adapter, AuthorizationMatrixResult<PrincipalName>>();

beforeAll(async () => {
  issuer = await createTestIssuer();
  for (const adapter of ADAPTERS) {
    const server = await start(adapter, issuer);
    servers.push(server);
    // The scenario apps are stateless (immutable fixtures): cells may run concurrently.
    results.set(
      adapter,
      await authorizationMatrix({ ...adapterCaseMatrix(server.url, issuer), concurrency: 4, throwOnMismatch: false }),
    );
  }
}, 60_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await issuer?.close();
});

describe('each adapter matches the shared truth table', () => {
  it.each(ADAPTERS)('%s', (adapter) => {
    const result = results.get(adapter)!;
    expect(result.cells).toHaveLength(ADAPTER_CASES.length);
    if (!result.ok) throw new AuthorizationMatrixError(result);
  });
});

describe('all adapters answer every row alike (status, code, WWW-Authenticate)', () => {
  const observed = (adapter: Adapter, route: string, principal: PrincipalName): Omit<ObservedOutcome, 'error'> => {
    const cell = results.get(adapter)!.cell(route, principal);
    if (!cell || cell.actual.error !== undefined) throw new Error(`${adapter}: no answer for ${route} × ${principal}`);
    const { status, code, wwwAuthenticate } = cell.actual;
    return { status, code, wwwAuthenticate };
  };

  it.each(ADAPTER_CASES.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const route = caseRoute(c);
    expect(caseOf(route, c.principal)).toBe(c);
    const answers = Object.fromEntries(ADAPTERS.map((a) => [a, observed(a, route, c.principal)]));
    const reference = answers[ADAPTERS[0]!]!;
    expect(answers).toEqual(Object.fromEntries(ADAPTERS.map((a) => [a, reference])));
    expect(reference.status).toBe(c.expected.status);
  });
});
