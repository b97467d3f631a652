// A bare node:http server on 127.0.0.1 for key-set answers the test issuer does not produce
// (private or symmetric members, duplicate kids, lying Content-Length …). Every request is
// answered by the current handler; `hits` counts requests. close() destroys open connections.

import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export type KeySetHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface KeySetServer {
  readonly url: string;
  readonly hits: number;
  handle(handler: KeySetHandler): void;
  close(): Promise<void>;
}

/** Answers with `body` as JSON (status 200 unless given). */
export function json(body: unknown, status = 200): KeySetHandler {
  return (_req, res) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
}

export async function startKeySetServer(initial: KeySetHandler): Promise<KeySetServer> {
  let handler = initial;
  let hits = 0;
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    hits += 1;
    handler(req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}/jwks`,
    get hits() {
      return hits;
    },
    handle(next) {
      handler = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
