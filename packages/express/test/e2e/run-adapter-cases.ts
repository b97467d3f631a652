/**
 * Runs the shared adapter truth table (test-support/adapter-cases.ts) against the Express
 * scenario app over real HTTP on 127.0.0.1, in both set-ups (app-wide gate; self-authenticating
 * router). Every row checks the status, the stable `code`, the exact `WWW-Authenticate` (or its
 * absence), that no handler ran on a denial, and the audit trail (one deny with the code, never
 * the token). Used by adapter-cases.spec.ts (Express 5) and express4.spec.ts (Express 4).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { asPrincipal, createTestIssuer } from '@portcullis/testing';
import type { TestIssuer } from '@portcullis/testing';
// @portcullis/testing/express, by source path (the Nx graph has no express -> testing edge to build it first).
import { portcullisTestingOptions } from '../../../testing/src/express/index.js';
import type { AuditEvent } from '@portcullis/express';
import { ADAPTER_CASES, PRINCIPALS } from '../../../../test-support/adapter-cases.js';
import type { PrincipalName } from '../../../../test-support/adapter-cases.js';
import { ERROR_BODY_KEYS, send } from '../support/http.js';
import type { RunningServer, ScenarioApp } from './scenario-app.js';
import type * as ScenarioModule from './scenario-app.js';

/** Declares the suites; `scenario` is the scenario-app module (possibly loaded against another Express). */
export function runAdapterCases(label: string, scenarioModule: typeof ScenarioModule): void {
  const { createScenarioApp, listen, SCENARIO_VARIANTS } = scenarioModule;
  describe.each(SCENARIO_VARIANTS)(`adapter cases on the ${label} scenario app (%s)`, (variant) => {
  let issuer: TestIssuer;
  let scenario: ScenarioApp;
  let server: RunningServer;
  const events: AuditEvent[] = [];
  const tokens = new Map<PrincipalName, string>();

  beforeAll(async () => {
    issuer = await createTestIssuer();
    scenario = createScenarioApp({ verifierOptions: portcullisTestingOptions(issuer), variant, audit: (e) => events.push(e) });
    server = await listen(scenario.app);
    for (const [name, claims] of Object.entries(PRINCIPALS)) {
      tokens.set(name as PrincipalName, await asPrincipal(issuer, claims).token());
    }
  });

  afterAll(async () => {
    await server?.close();
    await issuer?.close();
  });

  it.each(ADAPTER_CASES.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    const token = c.principal === 'anonymous' ? undefined : tokens.get(c.principal);
    const callsBefore = scenario.handlerCalls();
    const eventsBefore = events.length;

    const res = await send(`${server.url}${c.path}`, { method: c.method, token });

    expect(res.status).toBe(c.expected.status);
    if (c.expected.wwwAuthenticate === null) expect(res.headers.get('www-authenticate')).toBeNull();
    else if (c.expected.wwwAuthenticate !== undefined) expect(res.headers.get('www-authenticate')).toBe(c.expected.wwwAuthenticate);

    const mine = events.slice(eventsBefore);
    for (const event of mine) expect(JSON.stringify(event)).not.toContain(token ?? '\u0000none');
    if (c.expected.status < 300) {
      expect(scenario.handlerCalls()).toBe(callsBefore + 1);
      expect(res.body).toMatchObject({ ok: true });
      expect(mine.filter((e) => e.decision === 'deny')).toEqual([]);
      if (c.principal !== 'anonymous') expect(res.body.subject).toBe(PRINCIPALS[c.principal].sub);
    } else {
      // Nothing downstream ran, and the answer carries nothing but the error.
      expect(scenario.handlerCalls()).toBe(callsBefore);
      expect(Object.keys(res.body).sort()).toEqual(ERROR_BODY_KEYS);
      expect(res.body.code).toBe(c.expected.code);
      expect(res.body.statusCode).toBe(c.expected.status);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const denies = mine.filter((e) => e.decision === 'deny');
      expect(denies).toHaveLength(1);
      expect(denies[0]).toMatchObject({ reason: c.expected.code, method: c.method });
    }
    expect(scenario.appErrors).toEqual([]);
  });
});
}
