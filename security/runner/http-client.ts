/**
 * HTTP for the conformance suite: every request goes over a real socket to 127.0.0.1, with the
 * exact request target and header lines the case asks for (duplicates, odd casing, latin-1
 * bytes). Two ways to send:
 *
 * - {@link send}: node:http with a raw header list (`[name, value, …]`), so duplicate headers and
 *   header order are kept and nothing is added behind our back (not even `Host`);
 * - {@link sendRaw}: raw bytes on a TCP socket, for what node:http refuses to produce (CR, LF or
 *   NUL inside a value, obs-fold continuation lines, broken request lines).
 *
 * Both answer an {@link HttpResult}, never throw, and are bounded by a timeout: a hang is a
 * result (`error: 'timeout'`), not a stuck test.
 */
import http from 'node:http';
import net from 'node:net';

/** One HTTP exchange's outcome. `status` is 0 when no response arrived. */
export interface HttpResult {
  readonly status: number;
  /** Lower-cased names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  /** How many times each (lower-cased) header appeared. */
  readonly headerCounts: Readonly<Record<string, number>>;
  readonly body: string;
  /** The body parsed as JSON, if it is JSON. */
  readonly json: unknown;
  /** `timeout`, `reset` or another transport error; `undefined` when a response arrived. */
  readonly error?: string;
  /** Round trip in milliseconds (reported, never asserted). */
  readonly ms: number;
}

/** A request as the corpus describes it. */
export interface RawRequest {
  readonly method: string;
  /** Request target, sent byte for byte (no normalisation). */
  readonly path: string;
  /** Header lines in order; duplicates allowed. `Host` is added first unless present. */
  readonly headers?: ReadonlyArray<readonly [string, string]>;
  readonly body?: string | Buffer;
}

/** Options of {@link send}. */
export interface SendOptions {
  /** Give up after this many milliseconds. @default 10000 */
  readonly timeoutMs?: number;
  /** Keep-alive agent for load; `false` (default) opens a fresh connection. */
  readonly agent?: http.Agent | false;
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function collectHeaders(raw: readonly string[]): { headers: Record<string, string>; headerCounts: Record<string, number> } {
  const headers: Record<string, string> = {};
  const headerCounts: Record<string, number> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    headerCounts[name] = (headerCounts[name] ?? 0) + 1;
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return { headers, headerCounts };
}

const failed = (error: string, started: number): HttpResult => ({
  status: 0,
  headers: {},
  headerCounts: {},
  body: '',
  json: undefined,
  error,
  ms: Date.now() - started,
});

/** Sends a request with node:http and a raw header list. Never throws. */
export function send(baseUrl: string, request: RawRequest, options: SendOptions = {}): Promise<HttpResult> {
  const started = Date.now();
  const url = new URL(baseUrl);
  const lines: string[] = [];
  const given = request.headers ?? [];
  if (!given.some(([name]) => name.toLowerCase() === 'host')) lines.push('Host', url.host);
  for (const [name, value] of given) lines.push(name, value);
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  if (body !== undefined && !given.some(([name]) => name.toLowerCase() === 'content-length')) {
    lines.push('Content-Length', String(body.length));
  }
  return new Promise<HttpResult>((resolve) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined = undefined;
    const finish = (result: HttpResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    let req: http.ClientRequest;
    try {
      req = http.request({
        host: url.hostname,
        port: url.port,
        method: request.method,
        path: request.path,
        headers: lines,
        agent: options.agent ?? false,
      });
    } catch (error) {
      finish(failed(`client refused the request: ${(error as Error).message}`, started));
      return;
    }
    timer = setTimeout(() => {
      req.destroy();
      finish(failed('timeout', started));
    }, options.timeoutMs ?? 10_000);
    req.on('error', (error: NodeJS.ErrnoException) => finish(failed(error.code ?? error.message, started)));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', (error: NodeJS.ErrnoException) => finish(failed(error.code ?? error.message, started)));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        finish({
          status: res.statusCode ?? 0,
          ...collectHeaders(res.rawHeaders),
          body: text,
          json: parseJson(text),
          ms: Date.now() - started,
        });
      });
    });
    req.end(body);
  });
}

/**
 * Writes raw bytes to a fresh connection and parses whatever HTTP/1.1 response comes back
 * (Content-Length, chunked, or until close). Send `Connection: close` in the bytes. Never throws.
 */
export function sendRaw(baseUrl: string, bytes: string | Buffer, timeoutMs = 10_000): Promise<HttpResult> {
  const started = Date.now();
  const url = new URL(baseUrl);
  return new Promise<HttpResult>((resolve) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const socket = net.connect({ host: url.hostname, port: Number(url.port) });
    const finish = (result: HttpResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish(parsed() ?? failed('timeout', started)), timeoutMs);
    const parsed = (): HttpResult | undefined => parseRawResponse(Buffer.concat(chunks), Date.now() - started);
    socket.on('connect', () => socket.end(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes));
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      // Without Content-Length or chunking the body ends with the connection: wait for 'close'.
      const complete = parsed();
      if (complete && (complete.headers['content-length'] !== undefined || /chunked/i.test(complete.headers['transfer-encoding'] ?? ''))) {
        finish(complete);
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => finish(parsed() ?? failed(error.code ?? error.message, started)));
    socket.on('close', () => finish(parsed() ?? failed('reset', started)));
  });
}

/** Parses one complete HTTP/1.1 response; `undefined` while incomplete. */
export function parseRawResponse(buffer: Buffer, ms: number): HttpResult | undefined {
  const end = buffer.indexOf('\r\n\r\n');
  if (end === -1) return undefined;
  const head = buffer.subarray(0, end).toString('latin1').split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(head[0] ?? '');
  if (!status) return undefined;
  const raw: string[] = [];
  for (const line of head.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) raw.push(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  const { headers, headerCounts } = collectHeaders(raw);
  let rest = buffer.subarray(end + 4);
  let bodyBytes: Buffer;
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
    const parts: Buffer[] = [];
    for (;;) {
      const lineEnd = rest.indexOf('\r\n');
      if (lineEnd === -1) return undefined;
      const size = Number.parseInt(rest.subarray(0, lineEnd).toString('latin1'), 16);
      if (!Number.isFinite(size)) return undefined;
      if (size === 0) break;
      if (rest.length < lineEnd + 2 + size + 2) return undefined;
      parts.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
      rest = rest.subarray(lineEnd + 2 + size + 2);
    }
    bodyBytes = Buffer.concat(parts);
  } else if (headers['content-length'] !== undefined) {
    const length = Number(headers['content-length']);
    if (rest.length < length) return undefined;
    bodyBytes = rest.subarray(0, length);
  } else {
    bodyBytes = rest;
  }
  const text = bodyBytes.toString('utf8');
  return { status: Number(status[1]), headers, headerCounts, body: text, json: parseJson(text), ms };
}
