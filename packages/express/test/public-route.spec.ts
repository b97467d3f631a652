import { describe, expect, it } from '@jest/globals';
import { publicRoute, requireAuthentication } from '@portcullis/express';
import { ruleHarness } from './support/rule-harness.js';

describe('publicRoute() and requireAuthentication()', () => {
  const h = ruleHarness({ publicPaths: ['/health'] } as never);

  it('publicRoute() audits an allow with reason "public" and runs the handler', async () => {
    const app = await h.serve('/health', publicRoute());
    const res = await app.as(null);
    expect(res.status).toBe(200);
    expect(app.ran).toEqual(['/health']);
    expect(app.events.map((e) => [e.decision, e.reason])).toEqual([
      ['allow', 'public'], // the gate's public path
      ['allow', 'public'], // the route marker
    ]);
  });

  it('requireAuthentication() needs a valid token and nothing else', async () => {
    const app = await h.serve('/logout', requireAuthentication());
    expect((await app.as(null)).status).toBe(401);
    expect((await app.as({ scope: '' })).status).toBe(200);
    expect(app.events.at(-1)).toMatchObject({ decision: 'allow', reason: 'authenticated' });
  });
});
