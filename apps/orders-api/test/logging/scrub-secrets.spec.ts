import { describe, expect, it } from '@jest/globals';
import { loggableUrl } from '../../src/logging/logger-options.js';
import { REDACTED, scrubSecrets, scrubString } from '../../src/logging/scrub-secrets.js';

const JWT = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';

describe('scrubSecrets', () => {
  it('redacts values of secret-named keys at any depth, keeping token ids and hashes', () => {
    expect(
      scrubSecrets({
        headers: { authorization: `Bearer ${JWT}`, Cookie: 'sid=1', 'user-agent': 'curl' },
        body: { password: 'p', client_secret: 's', refreshToken: 'r', nested: [{ access_token: 'a' }] },
        audit: { tokenId: 'jti-1', tokenHash: 'abc', subject: 'alice' },
      }),
    ).toEqual({
      headers: { authorization: REDACTED, Cookie: REDACTED, 'user-agent': 'curl' },
      body: { password: REDACTED, client_secret: REDACTED, refreshToken: REDACTED, nested: [{ access_token: REDACTED }] },
      audit: { tokenId: 'jti-1', tokenHash: 'abc', subject: 'alice' },
    });
  });

  it('removes JWT-shaped strings anywhere', () => {
    expect(scrubString(`failed for ${JWT} at /orders`)).toBe(`failed for ${REDACTED} at /orders`);
    expect(scrubSecrets({ msg: [`x ${JWT}`] })).toEqual({ msg: [`x ${REDACTED}`] });
    expect(scrubSecrets(new Error(`bad ${JWT}`))).toMatchObject({ type: 'Error', message: `bad ${REDACTED}` });
  });

  it('leaves ordinary values alone', () => {
    const value = { id: 'ord_1', n: 3, ok: true, none: null, when: new Date(0) };
    expect(scrubSecrets(value)).toEqual(value);
  });
});

describe('loggableUrl', () => {
  it('redacts secret query parameters and JWTs in the path', () => {
    expect(loggableUrl(`/orders?access_token=${JWT}&limit=5`)).toBe('/orders?access_token=%5BRedacted%5D&limit=5');
    expect(loggableUrl(`/x/${JWT}`)).toBe(`/x/${REDACTED}`);
    expect(loggableUrl('/orders')).toBe('/orders');
  });

  it("masks every query value but the API's own page parameters: session ids, opaque tokens, anything", () => {
    const masked = '%5BRedacted%5D';
    expect(loggableUrl('/orders?session_id=s3ss10n&sid=abc&JSESSIONID=j5&auth=opaque0&limit=5&cursor=Q3Vyc29y')).toBe(
      `/orders?session_id=${masked}&sid=${masked}&JSESSIONID=${masked}&auth=${masked}&limit=5&cursor=Q3Vyc29y`,
    );
    // A second "?" (or anything else) inside a page parameter does not smuggle a value through.
    expect(loggableUrl('/orders?limit=5?sid=abc123')).toBe(`/orders?limit=${masked}`);
    expect(loggableUrl('/orders?cursor=a%20b')).toBe(`/orders?cursor=${masked}`);
  });
});
