/**
 * Test scaffolding around the README's modules and controllers: a root module that records every
 * handler run (the README's handlers have `/* … *\/` bodies, so their answers prove nothing), and
 * small fetch helpers for real HTTP on 127.0.0.1.
 */
import { Injectable, Module } from '@nestjs/common';
import type { CallHandler, DynamicModule, ExecutionContext, NestInterceptor, Provider, Type } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import type { PortcullisRequestState } from '@portcullis/nest';
import { tap } from 'rxjs';
import type { Observable } from 'rxjs';
import { HandlerCounter } from '../../e2e/support/scenario-app.js';

/** One handler run: which handler, and what the guard left on the request. */
export interface HandlerRun {
  readonly handler: string;
  readonly state: PortcullisRequestState | undefined;
  readonly user: unknown;
}

/** The handler runs of one app, in order. */
@Injectable()
export class HandlerRuns {
  readonly runs: HandlerRun[] = [];
  get last(): HandlerRun | undefined {
    return this.runs.at(-1);
  }
}

/**
 * Records a run once the handler has returned. Interceptors run after every guard: a denied
 * request never gets here, so "no new run" means "nothing downstream ran".
 */
@Injectable()
class RecordHandlerRuns implements NestInterceptor {
  constructor(
    private readonly runs: HandlerRuns,
    private readonly counter: HandlerCounter,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<{ portcullis?: PortcullisRequestState; user?: unknown }>();
    const handler = `${context.getClass().name}.${context.getHandler().name}`;
    return next.handle().pipe(
      tap(() => {
        this.counter.count++;
        this.runs.runs.push({ handler, state: request.portcullis, user: request.user });
      }),
    );
  }
}

/** A root module around README modules and controllers, recording handler runs. */
export function readmeTestModule(
  imports: (Type | DynamicModule)[],
  controllers: Type[] = [],
  providers: Provider[] = [],
): Type {
  @Module({
    imports,
    controllers,
    providers: [HandlerCounter, HandlerRuns, { provide: APP_INTERCEPTOR, useClass: RecordHandlerRuns }, ...providers],
  })
  class ReadmeTestModule {}
  return ReadmeTestModule;
}

/** An answer as the tests look at it. */
export interface Answer {
  readonly status: number;
  readonly challenge: string | null;
  readonly headers: Headers;
  readonly body: any;
}

/** One request over real HTTP (bounded in time); `body` is parsed JSON, or the text, or `undefined` when empty. */
export async function call(
  url: string,
  options: { token?: string; method?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const response = await fetch(url, {
    method: options.method ?? 'GET',
    headers: { ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...options.headers },
    signal: AbortSignal.timeout(5_000),
  });
  const text = await response.text();
  let body: unknown = text === '' ? undefined : text;
  if (text !== '' && response.headers.get('content-type')?.includes('json')) body = JSON.parse(text);
  return {
    status: response.status,
    challenge: response.headers.get('www-authenticate'),
    headers: response.headers,
    body,
  };
}
