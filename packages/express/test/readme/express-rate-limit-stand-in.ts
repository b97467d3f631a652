/**
 * A stand-in for the two `express-rate-limit` (8.x) exports the README's rate-limiting recipe
 * uses, with the same signatures: the workspace does not install `express-rate-limit`, and this
 * folder may not add dependencies. It keeps what the recipe relies on — an awaited, possibly
 * asynchronous `keyGenerator(req, res)`, a fixed window of `windowMs`, `limit` requests per key
 * and window, then 429 — and nothing else (no headers, no store, no validations).
 *
 * The recipe was also run once against the real express-rate-limit 8.7.5, installed outside this
 * workspace: it typechecks and its test passes the same way.
 *
 * Swap it for the real package by adding `express-rate-limit` as a devDependency and importing
 * `{ ipKeyGenerator, rateLimit }` from it in readme-examples.spec.ts (and dropping its entry in
 * STAND_INS there).
 */
import { isIPv6 } from 'node:net';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** The options of `rateLimit` the recipe sets. */
export interface RateLimitOptions {
  readonly windowMs: number;
  readonly limit: number;
  readonly keyGenerator: (req: Request, res: Response) => string | Promise<string>;
}

/**
 * An IP address as a rate-limit key: IPv4 as is, IPv6 reduced to its subnet (a /56 by default),
 * since one client may hold a whole IPv6 prefix.
 */
export function ipKeyGenerator(ip: string, ipv6Subnet: number | false = 56): string {
  // IPv4, and IPv6 with an embedded IPv4 address (`::ffff:127.0.0.1`), are kept as they are here.
  if (!isIPv6(ip) || ip.includes('.') || ipv6Subnet === false) return ip;
  const groups = expandIPv6(ip);
  const bits = groups.map((g) => g.toString(2).padStart(16, '0')).join('');
  const kept = bits.slice(0, ipv6Subnet).padEnd(128, '0');
  const masked = Array.from({ length: 8 }, (_, i) => parseInt(kept.slice(i * 16, i * 16 + 16), 2).toString(16));
  return `${masked.join(':')}/${ipv6Subnet}`;
}

function expandIPv6(ip: string): number[] {
  const [head = '', tail] = ip.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = Array.from({ length: 8 - left.length - right.length }, () => '0');
  return [...left, ...zeros, ...right].map((g) => parseInt(g, 16));
}

/** A fixed-window rate limiter: `limit` requests per key and `windowMs`, then 429. */
export function rateLimit(options: RateLimitOptions): RequestHandler {
  const hits = new Map<string, { count: number; resetAt: number }>();
  return (req: Request, res: Response, next: NextFunction): void => {
    Promise.resolve()
      .then(() => options.keyGenerator(req, res))
      .then((key) => {
        const now = Date.now();
        let entry = hits.get(key);
        if (entry === undefined || entry.resetAt <= now) {
          entry = { count: 0, resetAt: now + options.windowMs };
          hits.set(key, entry);
        }
        entry.count += 1;
        if (entry.count > options.limit) {
          res.status(429).send('Too many requests, please try again later.');
          return;
        }
        next();
      }, next);
  };
}
