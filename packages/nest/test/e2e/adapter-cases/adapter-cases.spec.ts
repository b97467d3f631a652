/**
 * The shared adapter truth table (test-support/adapter-cases.ts) over real HTTP on 127.0.0.1,
 * for every variant: [Express, Fastify] × [forRoot, forRootAsync with @nestjs/config].
 *
 * For each row: status, body.code, the exact WWW-Authenticate (null = absent), the handler
 * counter (a denial runs nothing downstream), and exactly one audit event naming the route
 * pattern — never the token.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { asPrincipal, createTestIssuer } from '@portcullis/testing';
import type { TestIssuer } from '@portcullis/testing';
// @portcullis/testing/nest, by source path (the Nx graph has no nest -> testing edge to build it first).
import { portcullisTestingOptions } from '../../../../testing/src/nest/index.js';
import { ADAPTER_CASES, PRINCIPALS } from '../../../../../test-support/adapter-cases.js';
import type { AdapterCase, PrincipalName } from '../../../../../test-support/adapter-cases.js';
import type { AuditEvent } from '../../../src/index.js';
import { portcullisImport, scenarioModule, SCENARIO_OPTIONS } from '../support/scenario-app.js';
import type { Registration } from '../support/scenario-app.js';
import { startApp } from '../support/start-app.js';
import type { Platform, StartedApp } from '../support/start-app.js';

const VARIANTS: readonly [Platform, Registration][] = [
  ['express', 'forRoot'],
  ['express', 'forRootAsync'],
  ['fastify', 'forRoot'],
  ['fastify', 'forRootAsync'],
];

let issuer: TestIssuer;
const tokens = new Map<PrincipalName, string>();

beforeAll(async () => {
  issuer = await createTestIssuer();
  for (const [name, claims] of Object.entries(PRINCIPALS)) {
    tokens.set(name as PrincipalName, await asPrincipal(issuer, claims).token());
  }
});

afterAll(async () => {
  await issuer?.close();
});

describe.each(VARIANTS)('%s + %s', (platform, registration) => {
  let started: StartedApp;
  const audit: AuditEvent[] = [];

  beforeAll(async () => {
    const options = portcullisTestingOptions(issuer, {
      ...SCENARIO_OPTIONS,
      audit: (e: AuditEvent) => void audit.push(e),
    });
    started = await startApp(scenarioModule(portcullisImport(registration, options)), platform);
  });

  afterAll(async () => {
    await started?.close();
  });

  const run = async (c: AdapterCase): Promise<void> => {
    const token = c.principal === 'anonymous' ? undefined : tokens.get(c.principal);
    const handlerRunsBefore = started.counter.count;
    audit.length = 0;

    const response = await fetch(started.url + c.path, {
      method: c.method,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(5_000),
    });
    const body = (await response.json()) as Record<string, unknown>;

    expect(response.status).toBe(c.expected.status);
    if (c.expected.code !== undefined) expect(body.code).toBe(c.expected.code);
    if (c.expected.wwwAuthenticate !== undefined) {
      expect(response.headers.get('www-authenticate')).toBe(c.expected.wwwAuthenticate);
    }
    const allowed = c.expected.status < 300;
    expect(started.counter.count - handlerRunsBefore).toBe(allowed ? 1 : 0);
    if (allowed) {
      expect(body).toMatchObject({ ok: true });
    } else {
      // Error bodies are core's: status, RFC 6750 error or status name, stable code, fixed message.
      expect(Object.keys(body).sort()).toEqual(['code', 'error', 'message', 'statusCode']);
      expect(body.statusCode).toBe(c.expected.status);
      expect(response.headers.get('cache-control')).toBe('no-store');
    }

    // One audit event per decision (public routes make none), with the route pattern, no token.
    if (c.path === '/health') {
      expect(audit).toHaveLength(0);
    } else {
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ decision: allowed ? 'allow' : 'deny', method: c.method });
      expect(audit[0]!.route).not.toMatch(/\/o-\w+/);
      if (token) expect(JSON.stringify(audit)).not.toContain(token.split('.')[2]!);
    }
  };

  for (const c of ADAPTER_CASES) it(c.id, () => run(c));
});
