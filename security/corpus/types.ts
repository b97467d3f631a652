/**
 * Shapes of the corpus: one {@link CorpusCase} per SPEC.md case number (1–183). A case is data —
 * number, group, title, where it applies, the expected outcome in words — plus a factory that
 * mints the real (bad) tokens with the test issuer and returns the exact requests to send, each
 * with its machine-checked expectation.
 */
import type { TestIssuer, TokenClaims, TokenOptions } from '@portcullis/testing';
import type { HttpResult } from '../runner/http-client.js';
import type { RevocationOps, TargetName } from '../targets/target-handle.js';
import type { PrincipalName, World } from './world.js';

/** SPEC.md section B groups. */
export type GroupId = 'B1' | 'B2' | 'B3' | 'B4' | 'B5' | 'B6' | 'B7' | 'B8' | 'B9' | 'B10' | 'B11' | 'B12' | 'B13';

/** Titles of the groups, as in SPEC.md. */
export const GROUP_TITLES: Readonly<Record<GroupId, string>> = {
  B1: 'Transport and header parsing',
  B2: 'Token format / parsing',
  B3: 'Signature and algorithm',
  B4: 'Key selection and header-injected keys',
  B5: 'Claims',
  B6: 'Token-type confusion',
  B7: 'Size / resource consumption',
  B8: 'Authorization logic (BOLA / BOPLA / BFLA / tenant / escalation)',
  B9: 'Revocation, refresh, introspection',
  B10: 'Sender constraint — DPoP',
  B11: 'Sender constraint — mTLS',
  B12: 'Fault injection — JWKS, key rotation',
  B13: 'Metadata and sample authorization server',
};

/**
 * Where a case runs:
 * - `http`: the corpus runner (test/conformance.spec.ts) over HTTP against the four targets;
 * - `faults`: the fault-injection suite (test/faults.spec.ts) with a key server in a separate
 *   process, a misbehaving revocation store and real Redis;
 * - `config`: start-up configuration checks (in-process, test/conformance.spec.ts);
 * - `auth-server`: the sample authorization server (apps/auth-server), run once and reported in the
 *   orders-api column (runner/auth-server-cases.ts).
 */
export type Runner = 'http' | 'faults' | 'config' | 'auth-server';

/** One acceptable answer. */
export interface Outcome {
  readonly status: number;
  /**
   * The Portcullis `code` of the JSON body (its `message`, body shape, `Cache-Control: no-store`
   * and `WWW-Authenticate` are then derived and checked exactly), or `'*'` for an answer that is
   * not Portcullis's (HTTP parser, router 404, application validation): code not checked.
   */
  readonly code: string;
  /** Required scopes of an `insufficient_scope` challenge (`scope="…"`). */
  readonly scope?: string;
  /** Downstream rule for this outcome (wins over the expectation's). */
  readonly downstream?: 'none' | 'ran' | 'any';
  /** Extra check for this outcome (wins over the expectation's). */
  readonly check?: (result: HttpResult) => string | undefined;
}

/** What one request must produce. */
export interface Expectation {
  /** Acceptable answers (SPEC often allows e.g. "400 or 401"). */
  readonly oneOf: readonly Outcome[];
  /**
   * `WWW-Authenticate` of the `'*'` outcomes: exact value, `null` = must be absent, `undefined` =
   * not checked. Portcullis codes always get their derived challenge (exact RFC 6750 shape).
   */
  readonly challenge?: string | null;
  /**
   * Downstream: `none` (no handler, no write, no load except an ownership lookup on a 404),
   * `ran` (the handler ran), `any`. @default `ran` for 2xx, `none` otherwise
   */
  readonly downstream?: 'none' | 'ran' | 'any';
  /** Extra check of the answer; returns a failure message or `undefined`. */
  readonly check?: (result: HttpResult) => string | undefined;
  /**
   * A connection reset without an answer counts as the HTTP server refusing the request (a
   * header block over Node's limit is answered with 431 and the socket is destroyed while the
   * client may still be writing).
   */
  readonly resetIsRefusal?: boolean;
}

/** A request step of a case. */
export interface RequestStep {
  readonly kind: 'request';
  /** Sub-case label shown in failures (e.g. `"kid 123"`); also the key of its result in `verify`. */
  readonly label: string;
  readonly method: string;
  /** Request target, sent as is. */
  readonly path: string;
  /** Header lines in order (duplicates allowed). */
  readonly headers?: ReadonlyArray<readonly [string, string]>;
  readonly body?: string;
  /** Raw request bytes instead of method/path/headers (CR/LF/NUL injection). */
  readonly raw?: string;
  /** Another server than the target (case 110's low-limit instance of the orders API). */
  readonly baseUrl?: string;
  readonly expect: Expectation;
}

/** An action between requests (revoking a token, advancing the clock …). */
export interface ActionStep {
  readonly kind: 'action';
  readonly label: string;
  run(): Promise<void>;
}

/** Several requests sent at once (load-shaped cases); each must meet `expect`. */
export interface BurstStep {
  readonly kind: 'burst';
  readonly label: string;
  readonly requests: readonly Omit<RequestStep, 'kind' | 'expect' | 'label'>[];
  readonly concurrency: number;
  readonly expect: Expectation;
}

/** A request built when its turn comes (e.g. a token minted after the clock moved). */
export interface LazyStep {
  readonly kind: 'lazy';
  readonly label: string;
  make(): Promise<RequestStep>;
}

export type Step = RequestStep | ActionStep | BurstStep | LazyStep;

/** What a case factory returns. */
export interface CaseRun {
  readonly steps: readonly Step[];
  /**
   * A final check over the whole case (listener hits, key-set fetches, two answers compared …),
   * given every request's result by label; returns a failure message or `undefined`.
   */
  readonly verify?: (results: ReadonlyMap<string, HttpResult>) => Promise<string | undefined> | string | undefined;
}

/** Everything a factory may use, for one target. */
export interface CaseContext {
  readonly target: TargetName;
  readonly world: World;
  readonly issuer: TestIssuer;
  /** Current time in whole seconds (the issuer's clock, shared by every target). */
  nowSeconds(): number;
  /** Claims of a principal (iss, aud, iat, exp, jti filled in), merged with `overrides`. */
  claims(principal: PrincipalName, overrides?: TokenClaims): Record<string, unknown>;
  /** A valid access token of a principal (T0 for `alice`), with claim overrides and token options. */
  token(principal: PrincipalName, overrides?: TokenClaims, options?: TokenOptions): Promise<string>;
  /** Registers a secret (token or token part) the target's logs must never contain. */
  secret<T extends string>(value: T): T;
  /** Out-of-band revocation on this target. */
  readonly revocation: RevocationOps;
  /** An "attacker" listener on 127.0.0.1: any request to it is a failure of cases 57–59, 176. */
  readonly attacker: { readonly url: string; hits(): number };
  /** Requests the issuer's JWKS endpoint has served so far. */
  jwksFetches(): number;
  /** A second orders API instance with a low rate limit (case 110), on the same database. */
  readonly rateLimited?: { readonly url: string; readonly burst: number };
}

/** Why a case does not run on a target (yet). Counted as pending, never as passed. */
export interface Pending {
  readonly pending: string;
}

/** One SPEC.md case. */
export interface CorpusCase {
  /** SPEC.md case number. */
  readonly id: number;
  readonly group: GroupId;
  /** Short title (SPEC "Input" column, abridged). */
  readonly title: string;
  /** SPEC "Expected" column, mapped onto our setup, for the report. */
  readonly expected: string;
  /** @default 'http' */
  readonly runner?: Runner;
  /** Pending on every target, with the reason. */
  readonly pending?: string;
  /** Per-target pending reasons (everything else runs). */
  readonly targets?: Partial<Record<TargetName, Pending>>;
  /** How the case maps onto our fixtures, where it differs from SPEC.md's literal wording. */
  readonly mapping?: string;
  /** Builds the requests (http runner only). */
  readonly build?: (ctx: CaseContext) => Promise<CaseRun>;
}
