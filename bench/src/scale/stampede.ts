import { randomUUID } from 'node:crypto';
import { createAccessTokenVerifier, isPortcullisError } from '@portcullis/core';
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer } from '@portcullis/testing';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import jwksRsa from 'jwks-rsa';

export interface StampedeRow {
  readonly library: string;
  readonly case: string;
  readonly callers: number;
  /** Key-set requests the JWKS server received during the burst. */
  readonly fetches: number;
  readonly accepted: number;
  /** Outcome counts of the refused calls (error code or name). */
  readonly refused: Readonly<Record<string, number>>;
  readonly ms: number;
}

const BURST_DEADLINE_MS = 5_000;

async function burst(
  issuer: TestIssuer,
  library: string,
  name: string,
  calls: ReadonlyArray<() => Promise<unknown>>,
): Promise<StampedeRow> {
  const before = issuer.jwksServer.fetchCount;
  const started = performance.now();
  // A library may queue callers (jwks-rsa's rate limiter waits for a token per fetch): stop
  // counting after BURST_DEADLINE_MS and report those callers as still waiting.
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          Object.assign(new Error('still waiting'), { code: `still waiting after ${BURST_DEADLINE_MS / 1000} s` }),
        ),
      BURST_DEADLINE_MS,
    );
  });
  const outcomes = await Promise.allSettled(calls.map((call) => Promise.race([call(), deadline])));
  clearTimeout(timer);
  const ms = performance.now() - started;
  const refused: Record<string, number> = {};
  let accepted = 0;
  for (const outcome of outcomes) {
    if (outcome.status === 'fulfilled') accepted++;
    else {
      const reason = outcome.reason as { code?: string; name?: string };
      const label = isPortcullisError(reason) ? reason.code : (reason.code ?? reason.name ?? 'error');
      refused[label] = (refused[label] ?? 0) + 1;
    }
  }
  return {
    library,
    case: name,
    callers: calls.length,
    fetches: issuer.jwksServer.fetchCount - before,
    accepted,
    refused,
    ms,
  };
}

/** RS256 tokens whose `kid` no key set has ever held, each different, signed by a real key. */
async function unknownKidTokens(issuer: TestIssuer, count: number, signingKid: string): Promise<string[]> {
  const now = Math.floor(issuer.clock.now() / 1000);
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    tokens.push(
      await issuer.sign(
        { alg: 'RS256', typ: 'at+jwt', kid: `unknown-${randomUUID()}` },
        {
          iss: issuer.issuer,
          aud: issuer.audience,
          sub: `u${i}`,
          client_id: 'c',
          jti: randomUUID(),
          iat: now,
          exp: now + 300,
        },
        { key: { kid: signingKid } },
      ),
    );
  }
  return tokens;
}

/**
 * JWKS stampede: `callers` concurrent verifications that all need the key server at once.
 * Portcullis: (1) cold start, (2) a rotated-in key the cached set does not know yet (after the
 * refetch cooldown), (3) random unknown `kid`s (an attacker), each burst counted at the JWKS
 * server. jose's remote set and jwks-rsa on the same cold-start and random-`kid` bursts.
 */
export async function runStampede(callers: number): Promise<StampedeRow[]> {
  const issuer = await createTestIssuer({ algorithms: ['RS256'] });
  try {
    issuer.clock.freeze();
    const rows: StampedeRow[] = [];
    const options = { ...issuer.verifierOptions(), algorithms: ['RS256'] };
    const firstKid = issuer.jwks.keys[0]!.kid!;
    const valid = await Promise.all(
      Array.from({ length: callers }, (_, i) => issuer.token({ sub: `user-${i}` }, { alg: 'RS256' })),
    );

    const portcullis = createAccessTokenVerifier(options);
    rows.push(
      await burst(
        issuer,
        'Portcullis',
        'cold start: no key set yet, valid tokens',
        valid.map((t) => () => portcullis.verify(t)),
      ),
    );

    const newKid = await issuer.addKey('RS256');
    issuer.clock.advance(31); // past the 30 s unknown-kid refetch cooldown
    const rotated = await Promise.all(
      Array.from({ length: callers }, (_, i) => issuer.token({ sub: `user-${i}` }, { alg: 'RS256', kid: newKid })),
    );
    rows.push(
      await burst(
        issuer,
        'Portcullis',
        'key rotation: new kid not in the cached set (cooldown over)',
        rotated.map((t) => () => portcullis.verify(t)),
      ),
    );

    issuer.clock.advance(31);
    const attack = await unknownKidTokens(issuer, callers, firstKid);
    rows.push(
      await burst(
        issuer,
        'Portcullis',
        'random unknown kids, each different (cooldown over)',
        attack.map((t) => () => portcullis.verify(t)),
      ),
    );
    rows.push(
      await burst(
        issuer,
        'Portcullis',
        'random unknown kids again, within the cooldown',
        attack.map((t) => () => portcullis.verify(t)),
      ),
    );

    // Alternatives on their own clocks (real time): cold start and random kids right after it.
    issuer.clock.unfreeze();
    const freshValid = await Promise.all(
      Array.from({ length: callers }, (_, i) => issuer.token({ sub: `user-${i}` }, { alg: 'RS256', kid: newKid })),
    );
    const freshAttack = await unknownKidTokens(issuer, callers, newKid);
    const joseSet = createRemoteJWKSet(new URL(issuer.jwksUri!));
    const joseOptions = { algorithms: ['RS256'], issuer: issuer.issuer, audience: issuer.audience };
    rows.push(
      await burst(
        issuer,
        'jose createRemoteJWKSet',
        'cold start: no key set yet, valid tokens',
        freshValid.map((t) => () => jwtVerify(t, joseSet, joseOptions)),
      ),
    );
    rows.push(
      await burst(
        issuer,
        'jose createRemoteJWKSet',
        'random unknown kids, each different (within its 30 s cooldown)',
        freshAttack.map((t) => () => jwtVerify(t, joseSet, joseOptions)),
      ),
    );
    const client = jwksRsa({ jwksUri: issuer.jwksUri!, cache: true, rateLimit: true, jwksRequestsPerMinute: 10 });
    rows.push(
      await burst(
        issuer,
        'jwks-rsa (cache, rateLimit 10/min)',
        'cold start: no key set yet, one kid',
        freshValid.map(() => () => client.getSigningKey(newKid)),
      ),
    );
    rows.push(
      await burst(
        issuer,
        'jwks-rsa (cache, rateLimit 10/min)',
        'random unknown kids, each different',
        freshAttack.map(
          (t) => () =>
            client.getSigningKey(JSON.parse(Buffer.from(t.split('.')[0]!, 'base64url').toString()).kid as string),
        ),
      ),
    );
    return rows;
  } finally {
    await issuer.close();
  }
}
