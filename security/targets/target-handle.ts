import type { DownstreamCounters } from './spec-store.js';

/** The four targets every applicable corpus case runs against (SPEC issue 8). */
export type TargetName = 'nest-express' | 'nest-fastify' | 'express' | 'orders-api';

/** Targets (a)–(c): one "SPEC target app" on three stacks. */
export type SpecTargetName = Exclude<TargetName, 'orders-api'>;

/** In report order: (a) Nest on Express, (b) Nest on Fastify, (c) Express, (d) the orders API. */
export const TARGET_NAMES: readonly TargetName[] = ['nest-express', 'nest-fastify', 'express', 'orders-api'];

/** What "downstream" looked like at one moment. */
export type DownstreamSnapshot =
  /** SPEC targets: spy counters of handlers, loads and writes. */
  | { readonly kind: 'spy'; readonly counters: DownstreamCounters }
  /** The orders API: a digest of every order row (any write changes it), the row count and ids. */
  | { readonly kind: 'db'; readonly digest: string; readonly rows: number; readonly secrets: readonly string[] };

/**
 * Out-of-band revocation used by corpus cases 128, 130, 131: on the SPEC targets the store is
 * called directly; on the orders API through its own endpoints (`POST /sessions/logout`,
 * `POST /admin/users/:sub/revoke-tokens`).
 */
export interface RevocationOps {
  /** Revokes one token (by its `jti`, until `exp`). */
  revokeToken(token: string, claims: { readonly jti: string; readonly exp: number }): Promise<void>;
  /** Revokes every token of `sub` issued at or before the current second. */
  revokeSubject(sub: string): Promise<void>;
}

/** A started target on 127.0.0.1. */
export interface TargetHandle {
  readonly name: TargetName;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Downstream state now (spies or database digest). */
  snapshot(): Promise<DownstreamSnapshot>;
  /** Everything the target logged so far (logger output and audit events), as text. */
  logText(): string;
  /** Audit events received so far. */
  auditEvents(): readonly unknown[];
  readonly revocation: RevocationOps;
  /** The library's key-reload hook (`verifier.reloadKeys()`), as an admin would trigger it. */
  reloadKeys(): Promise<void>;
  close(): Promise<void>;
}
