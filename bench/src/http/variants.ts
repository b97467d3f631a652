/** The stacks compared over HTTP: each guarded variant is measured against the bare server of its platform. */
export type Platform = 'express' | 'nest-express' | 'nest-fastify';

export interface Variant {
  readonly id: string;
  readonly platform: Platform;
  /** Row label. */
  readonly label: string;
  /** `prototype`: bench/prototypes code, not shipped (a proposal's measured ceiling). */
  readonly kind: 'bare' | 'portcullis' | 'alternative' | 'prototype';
  /** Module under ./servers/ and its `start` arguments. */
  readonly module: string;
  readonly nestPlatform?: 'express' | 'fastify';
  readonly options?: Readonly<Record<string, unknown>>;
  /** Scenarios it runs in (bare servers only need the repeated-token one: they ignore the token). */
  readonly scenarios: readonly Scenario[];
  /** Extra rows that are not part of the goals (e.g. a configuration variant of a Portcullis server). */
  readonly extra?: boolean;
}

/** `repeated`: one token on every request; `distinct`: the pool rotated, each request a token the server has not seen recently. */
export type Scenario = 'repeated' | 'distinct';

const BOTH: readonly Scenario[] = ['repeated', 'distinct'];

export const PLATFORM_LABELS: Readonly<Record<Platform, string>> = {
  express: 'Express 5',
  'nest-express': 'Nest 12 (Express adapter)',
  'nest-fastify': 'Nest 12 (Fastify adapter)',
};

export const VARIANTS: readonly Variant[] = [
  {
    id: 'express-bare',
    platform: 'express',
    label: 'bare',
    kind: 'bare',
    module: 'express-bare',
    scenarios: ['repeated'],
  },
  {
    id: 'express-portcullis',
    platform: 'express',
    label: '@portcullis/express',
    kind: 'portcullis',
    module: 'express-portcullis',
    scenarios: BOTH,
  },
  {
    id: 'express-prototype',
    platform: 'express',
    label: 'prototype: synchronous hit path + node:crypto (not shipped)',
    kind: 'prototype',
    module: 'express-prototype',
    scenarios: BOTH,
    extra: true,
  },
  {
    id: 'express-jwt',
    platform: 'express',
    label: 'express-jwt + jwks-rsa',
    kind: 'alternative',
    module: 'express-jwt',
    scenarios: BOTH,
  },
  {
    id: 'express-oauth2',
    platform: 'express',
    label: 'express-oauth2-jwt-bearer',
    kind: 'alternative',
    module: 'express-oauth2',
    scenarios: BOTH,
  },
  {
    id: 'nest-express-bare',
    platform: 'nest-express',
    label: 'bare',
    kind: 'bare',
    module: 'nest-bare',
    nestPlatform: 'express',
    scenarios: ['repeated'],
  },
  {
    id: 'nest-express-portcullis',
    platform: 'nest-express',
    label: '@portcullis/nest',
    kind: 'portcullis',
    module: 'nest-portcullis',
    nestPlatform: 'express',
    scenarios: BOTH,
  },
  {
    id: 'nest-express-passport',
    platform: 'nest-express',
    label: '@nestjs/passport + passport-jwt + jwks-rsa',
    kind: 'alternative',
    module: 'nest-passport',
    nestPlatform: 'express',
    scenarios: BOTH,
  },
  {
    id: 'nest-fastify-bare',
    platform: 'nest-fastify',
    label: 'bare',
    kind: 'bare',
    module: 'nest-bare',
    nestPlatform: 'fastify',
    scenarios: ['repeated'],
  },
  {
    id: 'nest-fastify-portcullis',
    platform: 'nest-fastify',
    label: '@portcullis/nest',
    kind: 'portcullis',
    module: 'nest-portcullis',
    nestPlatform: 'fastify',
    scenarios: BOTH,
  },
  {
    id: 'nest-fastify-portcullis-noaudit',
    platform: 'nest-fastify',
    label: "@portcullis/nest, audit: no-op sink (default is 'logger')",
    kind: 'portcullis',
    module: 'nest-portcullis',
    nestPlatform: 'fastify',
    options: { noAudit: true },
    scenarios: ['repeated'],
    extra: true,
  },
  {
    id: 'nest-fastify-prototype',
    platform: 'nest-fastify',
    label: 'prototype guard: synchronous hit path + node:crypto, fixed rule, no audit (not shipped)',
    kind: 'prototype',
    module: 'nest-prototype',
    nestPlatform: 'fastify',
    scenarios: BOTH,
    extra: true,
  },
];
