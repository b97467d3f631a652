/**
 * The SPEC target app on @portcullis/nest, for targets (a) Nest + Express and (b) Nest + Fastify.
 *
 * | route                        | rule                                                                 |
 * | ---------------------------- | -------------------------------------------------------------------- |
 * | GET    /health               | public                                                               |
 * | GET    /orders               | scope orders:read; rows from core's scopeQuery (own, or org for support) |
 * | GET    /orders/:id           | scope orders:read + ownership (owner, or support/admin of the org)   |
 * | POST   /orders               | scope orders:write                                                   |
 * | PATCH  /orders/:id           | scope orders:write + ownership (owner only, same org)                |
 * | DELETE /orders/:id           | scope orders:write + role admin + ownership (admin of the org)       |
 * | GET    /admin/orders         | role admin (controller level) + scope orders:read                     |
 * | GET    /tenants/:tenant/orders | scope orders:read + route tenant = token tenant                    |
 * | GET    /me/orders            | scope orders:read + policy: users only (no machine clients)          |
 * | GET    /no-rule              | no rule at all: denied by default (SPEC 19)                          |
 */
import type { AddressInfo } from 'node:net';
import { Controller, Delete, Get, HttpCode, Inject, Injectable, Module, Patch, Post } from '@nestjs/common';
import type { INestApplication, LoggerService } from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import {
  CurrentPrincipal,
  LoadedResource,
  OwnedResource,
  Policy,
  PortcullisError,
  PortcullisExceptionFilter,
  PortcullisModule,
  Public,
  Roles,
  Scopes,
  TenantParam,
  scopeQuery,
} from '@portcullis/nest';
import type { DecisionContext, Principal, ResourceResolver } from '@portcullis/nest';
import { CORS_ORIGIN, specPortcullisOptions, specResourceMetadata } from './spec-options.js';
import type { SpecTargetOptions } from './spec-options.js';
import { SpecStore, orderView } from './spec-store.js';
import type { SpecOrder } from './spec-store.js';

/** Injection token of the store (a value provider, so every target has its own). */
const STORE = Symbol.for('conformance.SpecStore');

@Injectable()
class SpecOrderResolver implements ResourceResolver<SpecOrder> {
  constructor(@Inject(STORE) private readonly store: SpecStore) {}

  async load(id: string): Promise<SpecOrder | undefined> {
    return this.store.load(id);
  }

  ownerOf(order: SpecOrder): string {
    return order.ownerId;
  }

  tenantOf(order: SpecOrder): string {
    return order.orgId;
  }
}

function usersOnly({ principal }: DecisionContext): boolean {
  return principal.kind === 'user';
}

@Controller()
class SpecOrdersController {
  constructor(@Inject(STORE) private readonly store: SpecStore) {}

  @Get('health')
  @Public()
  health() {
    return { ok: true };
  }

  @Get('orders')
  @Scopes('orders:read')
  list(@CurrentPrincipal() me: Principal) {
    this.store.handlerRan();
    const where = scopeQuery(me, { owner: 'ownerId', tenant: 'orgId', unrestrictedRoles: ['support'] });
    return { data: this.store.list(where).map((o) => orderView(o, me.roles)) };
  }

  @Get('orders/:id')
  @Scopes('orders:read')
  @OwnedResource(SpecOrderResolver, { param: 'id', allowRoles: ['support'], tenant: true })
  get(@CurrentPrincipal() me: Principal, @LoadedResource() order: SpecOrder) {
    this.store.handlerRan();
    return { data: orderView(order, me.roles) };
  }

  @Post('orders')
  @HttpCode(201)
  @Scopes('orders:write')
  create(@CurrentPrincipal() me: Principal) {
    this.store.handlerRan();
    if (me.kind !== 'user' || me.tenant === undefined) throw new PortcullisError('ERR_FORBIDDEN');
    this.store.write();
    return { data: { id: 'o-new', ownerId: me.subject, orgId: me.tenant } };
  }

  @Patch('orders/:id')
  @Scopes('orders:write')
  @OwnedResource(SpecOrderResolver, { param: 'id', tenant: true })
  update(@LoadedResource() order: SpecOrder) {
    this.store.handlerRan();
    this.store.write();
    return { data: { id: order.id } };
  }

  @Delete('orders/:id')
  @Scopes('orders:write')
  @Roles('admin')
  @OwnedResource(SpecOrderResolver, { param: 'id', allowRoles: ['admin'], tenant: true })
  remove(@LoadedResource() order: SpecOrder) {
    this.store.handlerRan();
    this.store.write();
    return { data: { id: order.id, deleted: true } };
  }

  @Get('tenants/:tenant/orders')
  @Scopes('orders:read')
  @TenantParam('tenant')
  tenantOrders(@CurrentPrincipal() me: Principal) {
    this.store.handlerRan();
    return { data: this.store.list({ orgId: me.tenant ?? '' }).map((o) => orderView(o, me.roles)) };
  }

  @Get('me/orders')
  @Scopes('orders:read')
  @Policy(usersOnly)
  mine(@CurrentPrincipal() me: Principal) {
    this.store.handlerRan();
    return { data: this.store.list({ ownerId: me.subject }).map((o) => orderView(o, me.roles)) };
  }

  /** Deliberately without any rule (SPEC 19): the global guard must deny it. */
  @Get('no-rule')
  noRule() {
    this.store.handlerRan();
    return { data: 'no-rule ran' };
  }
}

@Controller('admin')
@Roles('admin')
class SpecAdminController {
  constructor(@Inject(STORE) private readonly store: SpecStore) {}

  @Get('orders')
  @Scopes('orders:read')
  list() {
    this.store.handlerRan();
    return { data: this.store.list({}).map((o) => o.id) };
  }
}

/** A Nest logger that keeps every line, so the runner can look for leaked tokens. */
export class RecordingLogger implements LoggerService {
  readonly lines: string[] = [];
  private record(level: string, message: unknown, rest: unknown[]): void {
    this.lines.push(`${level} ${safeText(message)} ${rest.map(safeText).join(' ')}`);
  }
  log(message: unknown, ...rest: unknown[]): void {
    this.record('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.record('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.record('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.record('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.record('verbose', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.record('fatal', message, rest);
  }
}

/** Text of a logged value, including an Error's message, stack and cause. */
export function safeText(value: unknown): string {
  if (value instanceof Error) {
    return `${value.name}: ${value.message}\n${value.stack ?? ''}${value.cause === undefined ? '' : ` cause: ${safeText(value.cause)}`}`;
  }
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** A started Nest SPEC target. */
export interface NestSpecApp {
  readonly app: INestApplication;
  readonly url: string;
  readonly store: SpecStore;
  readonly logger: RecordingLogger;
  close(): Promise<void>;
}

/** Builds and starts the SPEC target on @portcullis/nest, on 127.0.0.1 with a random port. */
export async function startNestSpecApp(platform: 'express' | 'fastify', options: SpecTargetOptions): Promise<NestSpecApp> {
  const store = new SpecStore();
  const logger = new RecordingLogger();

  @Module({
    imports: [
      PortcullisModule.forRoot({
        ...specPortcullisOptions(options),
        // RFC 9728 metadata (SPEC 177), served by the module outside the guard.
        protectedResourceMetadata: specResourceMetadata(options.keySource),
        routesWithoutRules: 'warn',
      }),
    ],
    controllers: [SpecOrdersController, SpecAdminController],
    providers: [
      { provide: STORE, useValue: store },
      SpecOrderResolver,
      // Maps PortcullisErrors thrown by handlers (scopeQuery, create) to their RFC 6750 answers.
      { provide: APP_FILTER, useClass: PortcullisExceptionFilter },
    ],
  })
  class SpecAppModule {}

  const adapter = platform === 'express' ? new ExpressAdapter() : new FastifyAdapter();
  const app = await NestFactory.create(SpecAppModule, adapter, { logger, abortOnError: false });
  app.enableCors({ origin: [CORS_ORIGIN], exposedHeaders: ['WWW-Authenticate', 'Retry-After'] });
  await app.listen(0, '127.0.0.1');
  const { port } = (app.getHttpServer() as { address(): AddressInfo }).address();
  return { app, url: `http://127.0.0.1:${port}`, store, logger, close: () => app.close() };
}

/** A Nest logger that drops everything (apps built only to see whether they start). */
export const silentNestLogger: LoggerService = {
  log: () => undefined,
  error: () => undefined,
  warn: () => undefined,
  debug: () => undefined,
  verbose: () => undefined,
  fatal: () => undefined,
};
