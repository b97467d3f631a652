import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** An "attacker" server on 127.0.0.1: counts every request (jku, x5u, redirects must never reach it). */
export interface AttackerListener {
  readonly url: string;
  hits(): number;
  close(): Promise<void>;
}

/** Starts the listener; it answers every request with an attacker key set, in case anything follows it. */
export async function startAttackerListener(): Promise<AttackerListener> {
  let hits = 0;
  const server = http.createServer((_req, res) => {
    hits++;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":[]}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits: () => hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
