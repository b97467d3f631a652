import type { AddressInfo } from 'node:net';
import type { INestApplication, LoggerService, Type } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { HandlerCounter } from './scenario-app.js';

export type Platform = 'express' | 'fastify';
export const PLATFORMS: readonly Platform[] = ['express', 'fastify'];

export interface StartedApp {
  readonly app: INestApplication;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly counter: HandlerCounter;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Logger for the app (default: silent). */
  readonly logger?: LoggerService | false;
  /** Runs before `listen` (global filters, pipes …). */
  readonly configure?: (app: INestApplication) => void;
}

/** Boots a root module on the given platform, listening on 127.0.0.1 with a random port. */
export async function startApp(root: Type, platform: Platform, options: StartOptions = {}): Promise<StartedApp> {
  const moduleRef = await Test.createTestingModule({ imports: [root] })
    .setLogger(options.logger === undefined || options.logger === false ? silentLogger : options.logger)
    .compile();
  const adapter = platform === 'express' ? new ExpressAdapter() : new FastifyAdapter();
  const app = moduleRef.createNestApplication(adapter, { logger: options.logger ?? false });
  options.configure?.(app);
  await app.listen(0, '127.0.0.1');
  const address = (app.getHttpServer() as { address(): AddressInfo }).address();
  return {
    app,
    url: `http://127.0.0.1:${address.port}`,
    counter: app.get(HandlerCounter, { strict: false }),
    close: () => app.close(),
  };
}

const noop = (): void => undefined;
export const silentLogger: LoggerService = {
  log: noop,
  error: noop,
  warn: noop,
  debug: noop,
  verbose: noop,
  fatal: noop,
};

/** A logger that records every message (level + text). */
export function recordingLogger(): LoggerService & { readonly lines: { level: string; message: string }[] } {
  const lines: { level: string; message: string }[] = [];
  const record =
    (level: string) =>
    (message: unknown): void => {
      lines.push({ level, message: String(message) });
    };
  return {
    lines,
    log: record('log'),
    error: record('error'),
    warn: record('warn'),
    debug: record('debug'),
    verbose: record('verbose'),
    fatal: record('fatal'),
  };
}
