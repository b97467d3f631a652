// Project Wycheproof json_web_key_test.json (C2SP/wycheproof @ dac1dd4, Apache-2.0, see
// test/fixtures/wycheproof/LICENSE) run through createKeyResolver's local `jwks` path: the
// group's key set (its `public` set when there is one, else its `private` one) is configured as
// `jwks`, and the JWS is verified with jose's compactVerify using resolver.getKey. A refused key
// set (TypeError at creation) or any verification error counts as "invalid".
//
// Two vectors are accepted by jose on its own and refused here by Portcullis' key checks:
// tcId 7 (ROCA modulus) and tcId 9 (public exponent 1, i.e. forgeable signatures).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { compactVerify, decodeProtectedHeader } from 'jose';
import type { JSONWebKeySet } from 'jose';
import { PortcullisError } from '../../src/errors/portcullis-error.js';
import { createKeyResolver } from '../../src/jwks/create-key-resolver.js';

interface VectorTest {
  readonly tcId: number;
  readonly comment: string;
  readonly jws: string;
  readonly result: 'valid' | 'invalid';
  readonly flags: readonly string[];
}
interface VectorGroup {
  readonly comment: string;
  readonly private: JSONWebKeySet;
  readonly public?: JSONWebKeySet;
  readonly tests: readonly VectorTest[];
}

const file = JSON.parse(
  readFileSync(new URL('../fixtures/wycheproof/json_web_key_test.json', import.meta.url), 'utf8'),
) as { numberOfTests: number; testGroups: VectorGroup[] };

/**
 * Documented divergences: vectors Wycheproof labels "valid" that Portcullis refuses on purpose.
 * HS* keys inside a JWK Set: a key set may hold public keys only (SPEC 169, 170 and C.1 note 3),
 * because a symmetric member in a published set is a secret anyone can read. HS256 is served from
 * `secret` (with allowSymmetric: true) and never from a key set.
 */
const DIVERGENCES: ReadonlyMap<number, { readonly reason: string; readonly refusal: RegExp }> = new Map(
  [2, 13, 14, 15].map((tcId) => [
    tcId,
    {
      reason: 'HS* key in a JWK Set: key sets hold public keys only (SPEC 169/170, C.1)',
      refusal: /private or symmetric key/,
    },
  ]),
);

/** Why some invalid vectors must be refused: the refusal has to come from the right check. */
const EXPECTED_REFUSAL: ReadonlyMap<number, RegExp> = new Map([
  [1, /private or symmetric key/], // MixedKeySet
  // DuplicateKid: its members are oct keys, refused first; the duplicate-kid check itself is
  // covered with public keys in local-key-resolver.spec.ts and remote-key-resolver.spec.ts (SPEC 173).
  [4, /private or symmetric key|share a "kid"/],
  [6, /"use" is not "sig"/], // SPEC 66
  [7, /ROCA/],
  [8, /shorter than 2048 bits/],
  [9, /public exponent/],
  [19, /"alg" is not a supported signature algorithm/],
  [20, /"alg" is not a supported signature algorithm/],
  [21, /"use" is not "sig"/],
  [22, /could not be imported/], // point not on the curve
  [23, /"alg" does not fit the key type or curve/],
  [24, /"alg" does not fit the key type or curve/],
  [25, /private or symmetric key/],
  [26, /private or symmetric key/],
]);

interface Outcome {
  readonly accepted: boolean;
  /** Refusal detail: TypeError message at creation, or the PortcullisError reason / jose error. */
  readonly detail: string;
}

async function run(group: VectorGroup, test: VectorTest): Promise<Outcome> {
  let resolver;
  try {
    resolver = createKeyResolver({
      issuer: 'https://as.example.test',
      audience: 'api',
      jwks: group.public ?? group.private,
    });
  } catch (error) {
    if (error instanceof TypeError) return { accepted: false, detail: error.message };
    throw error;
  }
  const { alg } = decodeProtectedHeader(test.jws);
  try {
    await compactVerify(test.jws, (header) => resolver.getKey(header), { algorithms: [String(alg)] });
    return { accepted: true, detail: '' };
  } catch (error) {
    if (error instanceof PortcullisError) return { accepted: false, detail: `${error.code}: ${error.reason ?? ''}` };
    return { accepted: false, detail: String(error) };
  }
}

const cases = file.testGroups.flatMap((group) => group.tests.map((test) => ({ group, test })));

describe('Wycheproof json_web_key_test.json through the local jwks path', () => {
  it('has every vector of the file', () => {
    expect(cases).toHaveLength(file.numberOfTests);
  });

  it.each(cases.map(({ group, test }) => [test.tcId, test.comment, group.comment, test.result, group, test] as const))(
    'tcId %i %s (%s): %s',
    async (tcId, _comment, _group, result, group, test) => {
      const outcome = await run(group, test);
      const divergence = DIVERGENCES.get(tcId);
      if (divergence !== undefined) {
        expect(result).toBe('valid');
        expect(outcome.accepted).toBe(false);
        expect(outcome.detail).toMatch(divergence.refusal);
        return;
      }
      expect(outcome.accepted).toBe(result === 'valid');
      const refusal = EXPECTED_REFUSAL.get(tcId);
      if (refusal !== undefined) expect(outcome.detail).toMatch(refusal);
    },
  );

  it('lists only divergences that exist in the file', () => {
    const valid = new Set(cases.filter(({ test }) => test.result === 'valid').map(({ test }) => test.tcId));
    for (const tcId of DIVERGENCES.keys()) expect(valid.has(tcId)).toBe(true);
  });
});
