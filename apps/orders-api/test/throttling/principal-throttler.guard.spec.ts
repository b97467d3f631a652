import { describe, expect, it } from '@jest/globals';
import { Reflector } from '@nestjs/core';
import { ThrottlerStorageService } from '@nestjs/throttler';
import type { ThrottlerModuleOptions } from '@nestjs/throttler';
import { PrincipalThrottlerGuard } from '../../src/throttling/principal-throttler.guard.js';
import {
  BURST_THROTTLER,
  CLIENT_IP_THROTTLER,
  SUSTAINED_THROTTLER,
} from '../../src/throttling/rate-limit.constants.js';

// The e2e suite (test/e2e/rate-limit/ip-budget.e2e.spec.ts) proves the behaviour over HTTP; this
// checks the two properties it rests on, directly: order, and an IP tracker that never authenticates.
const throttlers = [
  // Listed last and with the same window as `burst`: the guard must still evaluate it first.
  { name: SUSTAINED_THROTTLER.name, ttl: SUSTAINED_THROTTLER.ttlMs, limit: 100 },
  { name: BURST_THROTTLER.name, ttl: BURST_THROTTLER.ttlMs, limit: 20 },
  { name: CLIENT_IP_THROTTLER.name, ttl: CLIENT_IP_THROTTLER.ttlMs, limit: 100 },
];

async function guardWith(options: ThrottlerModuleOptions, authenticated: () => void) {
  const guard = new PrincipalThrottlerGuard(options, new ThrottlerStorageService(), new Reflector(), async () => {
    authenticated();
    return 'issuer\nalice\nweb';
  });
  await guard.onModuleInit();
  return guard as unknown as { throttlers: { name: string; getTracker?: (req: object) => Promise<string> }[] };
}

describe('PrincipalThrottlerGuard', () => {
  it('evaluates the client-ip throttler first, then the others by window', async () => {
    const guard = await guardWith({ throttlers: [...throttlers] }, () => undefined);
    expect(guard.throttlers.map((t) => t.name)).toEqual(['client-ip', 'burst', 'sustained']);
  });

  it('keys the client-ip throttler on the IP alone (IPv6 by /64), never authenticating', async () => {
    let authentications = 0;
    const guard = await guardWith({ throttlers: [...throttlers] }, () => (authentications += 1));
    const track = guard.throttlers[0]?.getTracker;
    expect(track).toBeDefined();
    const withToken = { ip: '2001:db8:1:2:aaaa::1', headers: { authorization: 'Bearer eyJ.forged.token' } };
    const sameSubnet = { ip: '2001:db8:1:2:bbbb::9', headers: {} };
    expect(await track?.(withToken)).toBe(await track?.(sameSubnet));
    expect(await track?.({ ip: '192.0.2.7', headers: { authorization: 'Bearer x' } })).toBe('ip:192.0.2.7');
    expect(authentications).toBe(0);
  });

  it('refuses to start without a client-ip throttler (every token would be verified before counting)', async () => {
    await expect(
      guardWith({ throttlers: throttlers.filter((t) => t.name !== CLIENT_IP_THROTTLER.name) }, () => undefined),
    ).rejects.toThrow(/client-ip/);
  });
});
