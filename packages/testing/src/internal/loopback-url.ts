import type { AddressInfo } from 'node:net';

/** `http://127.0.0.1:<port>` of a server listening on 127.0.0.1 (any other address is a bug in the caller). */
export function loopbackUrl(address: AddressInfo | string | null): string {
  if (address === null || typeof address === 'string') throw new TypeError('the server is not listening on a TCP port');
  return `http://127.0.0.1:${address.port}`;
}
