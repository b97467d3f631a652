import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { hasDuplicateTopLevelMember } from '../../src/internal/json-duplicate-members.js';

describe('hasDuplicateTopLevelMember', () => {
  it.each([
    ['{"alg":"none","alg":"ES256"}', true],
    ['{"alg":"ES256","typ":"at+jwt","alg":"ES256"}', true],
    ['{"alg":"ES256","\\u0061lg":"none"}', true],
    ['{ "a" : 1 , "b" : { "a" : 2 } , "a" : [ "}" , "\\"a\\":" ] }', true],
    ['{"a":{"x":1,"x":2}}', false], // nested duplicates are not top-level members
    ['{"a":"{\\"a\\":1}","b":1}', false],
    ['{"a":[{"a":1},{"a":2}],"b":"a"}', false],
    ['{}', false],
    ['{"alg":"ES256","typ":"at+jwt","kid":"k1"}', false],
    ['{"a":1,"A":2}', false], // member names are case-sensitive
    ['{"a":-1.5e3,"b":true,"c":null,"d":false}', false],
  ])('%s → %s', (json, expected) => {
    JSON.parse(json); // precondition: valid JSON
    expect(hasDuplicateTopLevelMember(json)).toBe(expected);
  });

  it('agrees with a reference count over random objects, with and without an injected duplicate', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }),
        fc.nat(),
        (object, pick) => {
          const json = JSON.stringify(object);
          expect(hasDuplicateTopLevelMember(json)).toBe(false);
          const keys = Object.keys(object);
          if (keys.length === 0) return;
          const key = keys[pick % keys.length]!;
          const duplicated = `${json.slice(0, -1)},${JSON.stringify(key)}:0}`;
          expect(hasDuplicateTopLevelMember(duplicated)).toBe(true);
          expect(hasDuplicateTopLevelMember(JSON.stringify(object, null, 2))).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});
