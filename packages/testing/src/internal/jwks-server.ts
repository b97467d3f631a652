import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { JSONWebKeySet } from 'jose';
import type { JwksFaultMode, JwksFaultOptions } from '../jwks-server-control.js';
import { refuseUnknownKeys } from './unknown-keys.js';

const DEFAULT_DELAY_MS = 10_000;
const DEFAULT_HUGE_BYTES = 2 * 1024 * 1024;
const FAULT_MODES: readonly JwksFaultMode[] = ['ok', 'down', 'slow', 'garbage', 'error', 'huge', 'redirect'];

export const JWKS_PATH = '/jwks';
export const DISCOVERY_PATH = '/.well-known/openid-configuration';
const REDIRECT_TARGET_PATH = '/redirected/jwks';

export interface JwksServerSource {
  /** The published key set at the time of the answer. */
  jwks(): JSONWebKeySet;
  /** The `issuer` member of the discovery document. */
  issuer(): string;
}

/** A JWKS + discovery server on 127.0.0.1 with fault injection; never keeps the process alive after close(). */
export interface JwksServer {
  readonly baseUrl: string;
  readonly jwksUri: string;
  readonly fetchCount: number;
  readonly currentMode: JwksFaultMode;
  mode(mode: JwksFaultMode, options?: JwksFaultOptions): void;
  close(): Promise<void>;
}

function validateFault(mode: JwksFaultMode, options: JwksFaultOptions): void {
  if (!FAULT_MODES.includes(mode))
    throw new TypeError(`jwksServer.mode() takes one of ${FAULT_MODES.map((m) => `'${m}'`).join(', ')}`);
  if (options === null || typeof options !== 'object')
    throw new TypeError('jwksServer.mode(mode, options): options must be an object such as { delayMs: 5000 }');
  refuseUnknownKeys(
    options,
    ['delayMs', 'bytes', 'location'],
    (key) => `jwksServer.mode(): unknown option '${key}'; options are`,
  );
  const { delayMs, bytes, location } = options;
  if (delayMs !== undefined && !(Number.isFinite(delayMs) && delayMs >= 0))
    throw new TypeError("'delayMs' must be a number of milliseconds >= 0");
  if (bytes !== undefined && !(Number.isSafeInteger(bytes) && bytes >= 0))
    throw new TypeError("'bytes' must be an integer number of bytes >= 0");
  if (location !== undefined && typeof location !== 'string') throw new TypeError("'location' must be a URL string");
}

export async function startJwksServer(source: JwksServerSource): Promise<JwksServer> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let faultMode: JwksFaultMode = 'ok';
  let faultOptions: JwksFaultOptions = {};
  let fetchCount = 0;
  let closed = false;
  let baseUrl = '';

  const sendJson = (res: ServerResponse, status: number, body: unknown): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      'cache-control': 'no-store',
    });
    res.end(text);
  };

  const answer = (res: ServerResponse, path: string): void => {
    if (path === DISCOVERY_PATH) {
      sendJson(res, 200, { issuer: source.issuer(), jwks_uri: `${baseUrl}${JWKS_PATH}` });
    } else {
      sendJson(res, 200, source.jwks());
    }
  };

  const streamHuge = (res: ServerResponse, total: number): void => {
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    // Key-set-like JSON (`{"keys":[{...},{...}` ...) cut at exactly `total` bytes: a size cap must
    // trip on bytes read, not on a Content-Length header or on a parse error at the end.
    const head = Buffer.from('{"keys":[');
    const member = Buffer.from(`{"kty":"oct","kid":"filler","k":"${'A'.repeat(1000)}"},`);
    let sent = 0;
    const write = (): void => {
      while (sent < total && !res.destroyed) {
        const chunk = sent === 0 ? Buffer.concat([head, member]) : member;
        const slice = chunk.subarray(0, Math.min(chunk.length, total - sent));
        sent += slice.length;
        if (!res.write(slice)) {
          res.once('drain', write);
          return;
        }
      }
      if (!res.destroyed) res.end();
    };
    write();
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === REDIRECT_TARGET_PATH) {
      // The redirect target always serves the real key set, so following the redirect "works".
      sendJson(res, 200, source.jwks());
      return;
    }
    if (path !== JWKS_PATH && path !== DISCOVERY_PATH) {
      sendJson(res, 404, { error: 'not_found' });
      return;
    }
    if (path === JWKS_PATH) fetchCount += 1;
    const mode = faultMode;
    const options = faultOptions;
    switch (mode) {
      case 'down':
        req.socket.destroy();
        return;
      case 'slow': {
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!res.destroyed) answer(res, path);
        }, options.delayMs ?? DEFAULT_DELAY_MS);
        timer.unref();
        timers.add(timer);
        return;
      }
      case 'garbage': {
        const html = '<!doctype html><html><body><h1>Sign in</h1></body></html>';
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html) });
        res.end(html);
        return;
      }
      case 'error':
        sendJson(res, 500, { error: 'server_error' });
        return;
      case 'huge':
        streamHuge(res, options.bytes ?? DEFAULT_HUGE_BYTES);
        return;
      case 'redirect':
        res.writeHead(302, { location: options.location ?? `${baseUrl}${REDIRECT_TARGET_PATH}`, 'content-length': 0 });
        res.end();
        return;
      case 'ok':
        answer(res, path);
        return;
    }
  };

  const server = createServer({ keepAliveTimeout: 1_000 }, handle);
  server.on('connection', (socket: Socket) => {
    if (closed) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('test issuer: server has no TCP address');
  baseUrl = `http://127.0.0.1:${address.port}`;
  // A test-only server must never hold the event loop open on its own.
  server.unref();

  return {
    baseUrl,
    jwksUri: `${baseUrl}${JWKS_PATH}`,
    get fetchCount() {
      return fetchCount;
    },
    get currentMode() {
      return faultMode;
    },
    mode(mode: JwksFaultMode, options: JwksFaultOptions = {}): void {
      validateFault(mode, options);
      faultMode = mode;
      faultOptions = { ...options };
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      await done;
    },
  };
}
