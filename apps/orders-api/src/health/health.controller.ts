import { Controller, Get, Inject, Optional, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { PORTCULLIS, Public } from '@portcullis/nest';
import type { Portcullis } from '@portcullis/nest';
import type { Redis } from 'ioredis';
import { DATABASE, REDIS } from '../database/database.tokens.js';
import type { OpenDatabase } from '../database/open-database.js';

/** Body of `GET /health`. */
export interface HealthReport {
  /** `ok`: everything answers; `degraded`: the API runs but tokens cannot be verified or shared state is down; `down`: no database. */
  readonly status: 'ok' | 'degraded' | 'down';
  readonly keys: { readonly state: 'fresh' | 'stale' | 'unavailable'; readonly keyCount: number; readonly fetchedAt?: string };
  readonly database: { readonly engine: 'pglite' | 'postgres'; readonly state: 'up' | 'down' };
  readonly redis?: { readonly state: 'up' | 'down' };
}

interface StatusResponse {
  status(code: number): unknown;
}

/** Public health report: key set and database state (no versions, hosts or error texts). */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(PORTCULLIS) private readonly portcullis: Portcullis,
    @Inject(DATABASE) private readonly database: OpenDatabase,
    @Optional() @Inject(REDIS) private readonly redis?: Redis | null,
  ) {}

  @Get()
  @Public()
  @ApiOperation({
    summary: 'Health of the API',
    description:
      'Public. 200 while the database answers (`status` is `degraded` when no signing keys are available yet or Redis is down); 503 when it does not.',
  })
  @ApiOkResponse({ description: 'Up (ok or degraded)' })
  @ApiServiceUnavailableResponse({ description: 'Database down' })
  async health(@Res({ passthrough: true }) response: StatusResponse): Promise<HealthReport> {
    const keys = this.portcullis.verifier.keySetStatus();
    const [databaseUp, redisUp] = await Promise.all([
      withTimeout(this.database.ping()),
      this.redis ? withTimeout(this.redis.ping()) : Promise.resolve(undefined),
    ]);
    const status = !databaseUp ? 'down' : keys.state === 'unavailable' || redisUp === false ? 'degraded' : 'ok';
    if (status === 'down') response.status(503);
    return {
      status,
      keys: {
        state: keys.state,
        keyCount: keys.keyCount,
        ...(keys.fetchedAt !== undefined ? { fetchedAt: new Date(keys.fetchedAt).toISOString() } : {}),
      },
      database: { engine: this.database.engine, state: databaseUp ? 'up' : 'down' },
      ...(redisUp !== undefined ? { redis: { state: redisUp ? 'up' : 'down' } } : {}),
    };
  }
}

/** `true` if the check settles successfully within 1 s. */
async function withTimeout(check: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), 1000);
  });
  try {
    return await Promise.race([check.then(() => true as const, () => false as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
