import { afterAll, afterEach, beforeAll } from '@jest/globals';
import type { RequestHandler } from 'express';
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer, TokenClaims } from '@portcullis/testing';
import { portcullis, portcullisErrorHandler } from '@portcullis/express';
import type { AuditEvent, PortcullisOptions } from '@portcullis/express';
import { send } from './http.js';
import type { Answer } from './http.js';
import { appFactory } from './test-app.js';

/**
 * One issuer per test file and a way to serve `GET <path>` behind the gate with given handlers;
 * the final handler records that it ran.
 */
export function ruleHarness(options: Partial<PortcullisOptions> = {}) {
  let issuer: TestIssuer;
  const apps = appFactory();
  beforeAll(async () => {
    issuer = await createTestIssuer();
  });
  afterEach(() => apps.closeAll());
  afterAll(() => issuer?.close());

  return {
    get issuer(): TestIssuer {
      return issuer;
    },
    async serve(path: string, ...handlers: RequestHandler[]) {
      const ran: string[] = [];
      const events: AuditEvent[] = [];
      const server = await apps.start((app) => {
        app.use(
          portcullis({
            ...issuer.verifierOptions(),
            realm: 'orders',
            claims: { tenant: 'org_id' },
            roleHierarchy: { admin: ['support'] },
            audit: (e) => events.push(e),
            ...options,
          }),
        );
        app.get(path, ...handlers, (req, res) => {
          ran.push(req.path);
          res.json({ ok: true });
        });
        app.use(portcullisErrorHandler());
      });
      return {
        ran,
        events,
        /** GET `url` (relative) as a caller with these claims (`null`: anonymous). */
        as: async (claims: TokenClaims | null, url = path): Promise<Answer> =>
          send(`${server.url}${url}`, claims === null ? {} : { token: await issuer.token(claims) }),
      };
    },
  };
}
