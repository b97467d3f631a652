import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import type { JWK } from 'jose';
import { PortcullisError } from '../../src/errors/portcullis-error.js';
import type { JwsPolicy } from '../../src/internal/parse-compact-jws.js';
import { verifyCompactJws } from '../../src/internal/verify-compact-jws.js';
import type { KeyLookup } from '../../src/internal/verify-compact-jws.js';
import { createKeyResolver } from '../../src/jwks/create-key-resolver.js';

// Project Wycheproof JWS vectors (C2SP/wycheproof @ dac1dd4, Apache-2.0, see
// test/fixtures/wycheproof/LICENSE) run through the core's own JWS layer: `verifyCompactJws`
// without JWT options, i.e. the same pre-parse, header policy, allowlist, key resolver and jose
// signature step (`verifyCompact`) that `createAccessTokenVerifier` runs before its claim checks.
// The vectors' payloads are not claims sets, so the JWT layer is not involved (SPEC C.1).
//
// Per group: key = the group's key (public part; `kty: oct` keys through the `secret` path, which
// needs ≥ 32 bytes), algorithms = [the key's alg] (the header's alg for the few keys without one),
// no `typ` requirement (the vectors carry none).

interface WycheproofTest {
  readonly tcId: number;
  readonly comment: string;
  readonly jws: unknown;
  readonly result: 'valid' | 'invalid';
  readonly flags: readonly string[];
}
interface WycheproofGroup {
  readonly comment?: string;
  readonly private: JWK & { readonly keys?: JWK[] };
  readonly tests: readonly WycheproofTest[];
}
interface WycheproofFile {
  readonly numberOfTests: number;
  readonly testGroups: readonly WycheproofGroup[];
}

const file = JSON.parse(
  readFileSync(new URL('../fixtures/wycheproof/json_web_signature_test.json', import.meta.url), 'utf8'),
) as WycheproofFile;

/**
 * Vectors where this verifier's answer differs from Wycheproof's label, each with the reason. All
 * but two are "Wycheproof valid, Portcullis refuses". The two others (367, 370) are byte-for-byte
 * the same string as tc 357, which the same file labels valid: no deterministic verifier can
 * satisfy both labels, and the forms their names describe are refused (checked below). A test
 * checks that every entry really diverges (no stale entries).
 */
const DIVERGENCES: Readonly<Record<number, { readonly wycheproof: 'valid' | 'invalid'; readonly reason: string }>> = {
  372: {
    wycheproof: 'valid',
    reason:
      "'?' inserted into the header segment: the MAC covers the string without it, so Wycheproof tolerates lenient base64 " +
      'decoders. RFC 7515 §3.1 signs the literal ASCII input and 8725bis §3.14 requires rejection (SPEC C.1, case 28).',
  },
  373: { wycheproof: 'valid', reason: "'?' inserted into the payload segment: same as tc 372." },
  346: {
    wycheproof: 'valid',
    reason:
      'RFC 7520 Figure 20 is signed with PS384, but the group key says "alg": "PS256". One key, one algorithm (RFC 8725 §3.1): ' +
      'the token is refused. With the key labelled PS384 it verifies (checked below).',
  },
  350: { wycheproof: 'valid', reason: 'Same vector as tc 346 (key_ops variant group).' },
  347: {
    wycheproof: 'valid',
    reason:
      'RFC 7520 Figure 27 is ES512, but the group key says "alg": "ES521", which is not a JWS algorithm name: no allowlist ' +
      'can contain it. With the key labelled ES512 it verifies (checked below).',
  },
  351: { wycheproof: 'valid', reason: 'Same vector as tc 347 (key_ops variant group).' },
  349: {
    wycheproof: 'valid',
    reason:
      'The key\'s "key_ops" is ["sign, verify"] — one string, not the two operations — so it does not permit "verify" ' +
      '(RFC 7517 §4.3) and the key set offers no usable key. With key_ops ["sign", "verify"] it verifies (checked below).',
  },
  367: {
    wycheproof: 'invalid',
    reason:
      '"invalidBase64Padding", but the JWS string carries no padding: it is identical to tc 357 ("ValidMac", valid), whose ' +
      'MAC is correct. The padded form the name describes is refused (checked below).',
  },
  370: { wycheproof: 'invalid', reason: '"invalidBase64PaddingInPayload": identical to tc 357 as well; see tc 367.' },
};

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

function publicPart(jwk: JWK): JWK {
  const copy: Record<string, unknown> = { ...jwk };
  for (const member of PRIVATE_MEMBERS) delete copy[member];
  return copy as JWK;
}

function headerAlg(jws: unknown): string | undefined {
  if (typeof jws !== 'string') return undefined;
  try {
    const header = JSON.parse(Buffer.from(jws.split('.')[0] ?? '', 'base64url').toString('utf8')) as { alg?: unknown };
    return typeof header.alg === 'string' ? header.alg : undefined;
  } catch {
    return undefined;
  }
}

type Outcome =
  | { readonly accepted: true }
  | { readonly accepted: false; readonly code: string; readonly stage: 'key set' | 'verify' };

/**
 * Runs one vector through the core's JWS layer with `key` and `[alg]`.
 * A key the key resolver refuses at creation (wrong use/key_ops, too short a secret) counts as
 * a refusal at the "key set" stage: that is where the production verifier would stop.
 */
async function run(jws: unknown, key: JWK, alg: string): Promise<Outcome> {
  let getKey: KeyLookup;
  try {
    const resolver =
      key.kty === 'oct'
        ? createKeyResolver({
            issuer: 'wycheproof',
            audience: 'wycheproof',
            secret: { key: new Uint8Array(Buffer.from(key.k ?? '', 'base64url')), allowSymmetric: true },
          })
        : createKeyResolver({
            issuer: 'wycheproof',
            audience: 'wycheproof',
            jwks: { keys: [publicPart(key)] },
            algorithms: [alg],
          });
    getKey = (header) => resolver.getKey(header);
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError);
    return { accepted: false, code: 'TypeError', stage: 'key set' };
  }
  const policy: JwsPolicy = { maxTokenSize: 8192, algorithms: new Set([alg]), algorithmList: [alg], typ: false };
  try {
    await verifyCompactJws(jws, policy, getKey);
    return { accepted: true };
  } catch (error) {
    // Never anything but a PortcullisError out of the verification core.
    expect(error).toBeInstanceOf(PortcullisError);
    return { accepted: false, code: (error as PortcullisError).code, stage: 'verify' };
  }
}

const cases = file.testGroups.flatMap((group, index) =>
  group.tests.map((test) => {
    const key = group.private;
    const alg = key.alg ?? headerAlg(test.jws) ?? 'none';
    return { group: index, key, alg, test };
  }),
);

describe('Wycheproof json_web_signature_test.json through the core JWS layer', () => {
  it('runs every vector of the file', () => {
    expect(cases).toHaveLength(file.numberOfTests);
    expect(file.testGroups.every((g) => g.private.keys === undefined)).toBe(true); // single keys only in this file
  });

  it.each(cases.map((c) => [c.test.tcId, c.test.comment, c.test.result, c] as const))(
    'tc %i %s (%s)',
    async (_tcId, _comment, _result, { key, alg, test }) => {
      const outcome = await run(test.jws, key, alg);
      const divergence = DIVERGENCES[test.tcId];
      if (divergence === undefined) {
        expect({ tcId: test.tcId, accepted: outcome.accepted }).toEqual({
          tcId: test.tcId,
          accepted: test.result === 'valid',
        });
      } else {
        // A documented divergence: the label is the one recorded, and the outcome is the other one.
        expect(test.result).toBe(divergence.wycheproof);
        expect(outcome.accepted).toBe(divergence.wycheproof === 'invalid');
      }
    },
  );

  it('only tc 367 and 370 diverge towards acceptance, and both are byte-identical to the valid tc 357', () => {
    const jwsOf = (tcId: number): unknown => cases.find((c) => c.test.tcId === tcId)?.test.jws;
    const accepting = Object.entries(DIVERGENCES)
      .filter(([, d]) => d.wycheproof === 'invalid')
      .map(([tcId]) => Number(tcId));
    expect(accepting).toEqual([367, 370]);
    expect(jwsOf(367)).toBe(jwsOf(357));
    expect(jwsOf(370)).toBe(jwsOf(357));
    expect(cases.find((c) => c.test.tcId === 357)?.test.result).toBe('valid');
  });

  it('tc 367/370 as their names describe them (base64 "=" padding in the header or payload) are refused', async () => {
    const c = cases.find((x) => x.test.tcId === 357)!;
    const [h, p, sig] = (c.test.jws as string).split('.');
    for (const padded of [`${h}=.${p}.${sig}`, `${h}.${p}==.${sig}`, `${h}.${p}.${sig}=`]) {
      expect(await run(padded, c.key, c.alg)).toEqual({
        accepted: false,
        code: 'ERR_MALFORMED_TOKEN',
        stage: 'verify',
      });
    }
  });

  it('tc 346/347/349/350/351 verify once the key is labelled as its signature requires (the divergence is the label only)', async () => {
    const fixed: Array<[number, (key: JWK) => JWK, string]> = [
      [346, (k) => ({ ...k, alg: 'PS384' }), 'PS384'],
      [350, (k) => ({ ...k, alg: 'PS384' }), 'PS384'],
      [347, (k) => ({ ...k, alg: 'ES512' }), 'ES512'],
      [351, (k) => ({ ...k, alg: 'ES512' }), 'ES512'],
      [349, (k) => ({ ...k, key_ops: ['sign', 'verify'] }), 'RS256'],
    ];
    for (const [tcId, relabel, alg] of fixed) {
      const c = cases.find((x) => x.test.tcId === tcId)!;
      expect({ tcId, ...(await run(c.test.jws, relabel(c.key), alg)) }).toEqual({ tcId, accepted: true });
    }
  });

  it('HS256 groups use keys of at least 32 bytes (else the secret path refuses them at creation)', async () => {
    const hsGroups = file.testGroups.filter((g) => g.private.kty === 'oct');
    expect(hsGroups.length).toBeGreaterThan(0);
    for (const group of hsGroups) expect(Buffer.from(group.private.k!, 'base64url').length).toBeGreaterThanOrEqual(32);
    // And a shorter secret is refused rather than used.
    const short = { ...hsGroups[0]!.private, k: Buffer.alloc(16).toString('base64url') };
    expect(await run(hsGroups[0]!.tests[0]!.jws, short, 'HS256')).toEqual({
      accepted: false,
      code: 'TypeError',
      stage: 'key set',
    });
  });
});
