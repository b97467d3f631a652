// One bounded GET of a JWK Set document.
//
// Everything that could keep a request waiting or eat memory is capped here, because a key
// server that misbehaves (or an attacker who controls the path to it) must not be able to stall
// or exhaust the resource server (SPEC 167, 171, 172):
// - one deadline covers connecting, headers and body; it rejects even if a custom `fetch` ignores
//   the abort signal, and its timer is unref'd so it never keeps the process alive;
// - redirects are not followed (`redirect: 'manual'`) and anything but a plain 200 is a failure:
//   the key URL is configuration, a redirect is not a reason to trust another host;
// - the body is read as a stream and abandoned as soon as it passes the byte cap (the declared
//   `content-length` is checked first, but cannot be trusted alone);
// - the body must be UTF-8 JSON.

/** Why a fetch failed (log-only wording: no body content, no header values). */
export class JwksFetchError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'JwksFetchError';
  }
}

export interface JwksFetchOptions {
  readonly url: URL;
  /** Milliseconds for the whole exchange. */
  readonly timeout: number;
  readonly maxResponseBytes: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly fetch: typeof fetch;
}

/** Fetches and JSON-parses a key set document; throws {@link JwksFetchError}. */
export async function fetchJwkSetDocument(options: JwksFetchOptions): Promise<unknown> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new JwksFetchError(`key set fetch timed out after ${options.timeout} ms`);
      controller.abort(error);
      reject(error);
    }, options.timeout);
    (timer as unknown as { unref?: () => void }).unref?.();
  });
  deadline.catch(() => undefined);

  // Called unbound: a platform fetch may refuse another `this` ("Illegal invocation").
  const fetchImpl = options.fetch;
  try {
    let response: Response;
    try {
      response = await Promise.race([
        fetchImpl(options.url.href, {
          method: 'GET',
          headers: { accept: 'application/jwk-set+json, application/json', ...options.headers },
          redirect: 'manual',
          signal: controller.signal,
        }),
        deadline,
      ]);
    } catch (cause) {
      if (cause instanceof JwksFetchError) throw cause;
      throw new JwksFetchError('key server could not be reached', { cause });
    }
    // `redirected` catches a custom fetch that followed a redirect despite `redirect: 'manual'`.
    if (response.status !== 200 || response.redirected) {
      discard(response);
      throw new JwksFetchError(
        `key server answered HTTP ${response.status}${response.redirected ? ' after a redirect' : ''}`,
      );
    }
    const declared = response.headers.get('content-length');
    if (declared !== null && Number(declared) > options.maxResponseBytes) {
      discard(response);
      throw new JwksFetchError(`key set response declares more than ${options.maxResponseBytes} bytes`);
    }
    const bytes = await Promise.race([readCapped(response, options.maxResponseBytes), deadline]);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch (cause) {
      throw new JwksFetchError('key set response is not UTF-8', { cause });
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // No `cause`: V8's SyntaxError quotes part of the body, and bodies stay out of logs.
      throw new JwksFetchError('key set response is not JSON');
    }
  } catch (error) {
    controller.abort(error); // drop the connection of an abandoned body
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

async function readCapped(response: Response, maxBytes: number): Promise<Uint8Array> {
  if (response.body === null) throw new JwksFetchError('key set response has no body');
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let chunk: Awaited<ReturnType<typeof reader.read>>;
    try {
      chunk = await reader.read();
    } catch (cause) {
      throw new JwksFetchError('key set response could not be read', { cause });
    }
    if (chunk.done) break;
    total += chunk.value.byteLength;
    if (total > maxBytes) {
      reader.cancel().catch(() => undefined);
      throw new JwksFetchError(`key set response exceeds ${maxBytes} bytes`);
    }
    chunks.push(chunk.value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function discard(response: Response): void {
  response.body?.cancel().catch(() => undefined);
}
