import type { AddressInfo } from 'node:net';
import type { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { StartedServer } from '../server-types.js';

export type NestPlatform = 'express' | 'fastify';

/**
 * Boots a root module on one platform, on 127.0.0.1 with a random port. Nest's logger is off in
 * every Nest server (no request logging anywhere, bare or guarded).
 */
export async function startNest(root: Type, platform: NestPlatform): Promise<StartedServer> {
  const adapter = platform === 'express' ? new ExpressAdapter() : new FastifyAdapter();
  const app: INestApplication = await NestFactory.create(root, adapter, { logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = (app.getHttpServer() as { address(): AddressInfo }).address();
  return { port, close: () => app.close() };
}
