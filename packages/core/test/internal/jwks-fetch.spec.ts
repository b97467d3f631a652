import { describe, expect, it } from '@jest/globals';
import { JwksFetchError, fetchJwkSetDocument } from '../../src/internal/jwks-fetch.js';
import type { JwksFetchOptions } from '../../src/internal/jwks-fetch.js';

// The bounded GET of a key set document, with a custom `fetch` (as `remoteJwks.fetch` allows):
// the byte cap is exact on a streamed body without Content-Length, the deadline also covers a
// body that never ends when the custom fetch ignores the abort signal, and the body must be
// strict UTF-8.

const encoder = new TextEncoder();

function options(fetchImpl: typeof fetch, extra: Partial<JwksFetchOptions> = {}): JwksFetchOptions {
  return {
    url: new URL('https://issuer.example.test/jwks'),
    timeout: 200,
    maxResponseBytes: 64,
    headers: {},
    fetch: fetchImpl,
    ...extra,
  };
}

/** A 200 whose body is streamed in the given chunks, without Content-Length. */
function streamed(chunks: Uint8Array[]): typeof fetch {
  return async () =>
    new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (const chunk of chunks) controller.enqueue(chunk);
          controller.close();
        },
      }),
      { status: 200, headers: { 'content-type': 'application/json' } },
    );
}

/** `{"keys":[]}` padded with spaces to exactly `size` bytes. */
const document = (size: number): Uint8Array => encoder.encode('{"keys":[]}'.padEnd(size, ' '));

async function failure(promise: Promise<unknown>): Promise<JwksFetchError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof JwksFetchError) return error;
    throw error;
  }
  throw new Error('expected a JwksFetchError');
}

describe('fetchJwkSetDocument — byte cap on a streamed body', () => {
  it('reads a body of exactly maxResponseBytes and refuses one byte more', async () => {
    await expect(fetchJwkSetDocument(options(streamed([document(64)])))).resolves.toEqual({ keys: [] });
    const body = document(65);
    const error = await failure(fetchJwkSetDocument(options(streamed([body.subarray(0, 60), body.subarray(60)]))));
    expect(error.message).toMatch(/exceeds 64 bytes/);
  });
});

describe('fetchJwkSetDocument — deadline', () => {
  it('rejects when a custom fetch ignores the abort signal and its body never ends', async () => {
    const endless: typeof fetch = async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(encoder.encode('{"keys":['));
            // never closes
          },
        }),
        { status: 200 },
      );
    const error = await failure(fetchJwkSetDocument(options(endless, { timeout: 50 })));
    expect(error.message).toMatch(/timed out/);
  }, 5_000);
});

describe('fetchJwkSetDocument — strict UTF-8', () => {
  it('refuses a body with an invalid UTF-8 sequence (never replaced by U+FFFD)', async () => {
    const bytes = new Uint8Array([...encoder.encode('{"keys":[],"x":"'), 0xff, ...encoder.encode('"}')]);
    const error = await failure(fetchJwkSetDocument(options(streamed([bytes]))));
    expect(error.message).toMatch(/not UTF-8/);
  });
});
