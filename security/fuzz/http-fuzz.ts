/**
 * HTTP fuzzing with fast-check against one running target. Four properties, each checked with
 * `fc.check` (seeded, shrinking on failure):
 *
 * - **mutated tokens** — a valid token with one byte-level mutation (bit flip, character change,
 *   segment swap/duplication/drop, truncation, insertion, standard-base64 re-encoding, case flip,
 *   random signature, header swap keeping the signature): never an allow;
 * - **re-signed tokens** — header and claim mutations signed with the real key: never an allow
 *   when the oracle says the token is certainly invalid; the SPEC targets must agree with each other;
 * - **odd headers** — duplicate, folded, tab-separated, latin-1 and huge Authorization/extra
 *   headers: never an allow without exactly one valid Bearer credential, never on the admin route;
 * - **odd bodies** — POST /orders with random bodies and content types: never an allow without a token.
 *
 * Everywhere: never a 5xx, never a hang (per-request timeout), and no token sent may appear in the
 * target's logs. Failures carry the seed and fast-check's path so they can be replayed with
 * `FUZZ_SEED=<seed>` (and `FUZZ_PATH=<path>`).
 */
import http from 'node:http';
import fc from 'fast-check';
import type { TestIssuer } from '@portcullis/testing';
import { PRINCIPALS } from '../corpus/world.js';
import type { World } from '../corpus/world.js';
import { send, sendRaw } from '../runner/http-client.js';
import type { HttpResult } from '../runner/http-client.js';
import type { TargetName } from '../targets/target-handle.js';
import { bodyFuzz, headerFuzz, mutation, resigned } from './arbitraries.js';
import type { AuthorizationShape, ClaimEdit, HeaderEdit } from './arbitraries.js';
import { applyMutation } from './mutations.js';
import { certainlyInvalid } from './oracle.js';

export type FuzzKind = 'mutated-token' | 'resigned-token' | 'odd-headers' | 'odd-bodies';
export const FUZZ_KINDS: readonly FuzzKind[] = ['mutated-token', 'resigned-token', 'odd-headers', 'odd-bodies'];

/** What the fuzzer needs of a target. */
export interface FuzzTarget {
  readonly name: TargetName;
  readonly url: string;
  readonly world: World;
  /** Captured logs, searched for leaked tokens at the end. */
  logText(): string;
  /** Verifier settings the oracle needs. */
  readonly maxLifetime: number;
}

export interface FuzzOptions {
  readonly seed: number;
  /** Inputs per property. */
  readonly numRuns: number;
  /** Replay one counterexample path (with the seed). */
  readonly path?: string;
  /** Per-request timeout. @default 5000 */
  readonly timeoutMs?: number;
  /** Called every `progressEvery` inputs. */
  readonly onProgress?: (done: number) => void;
  readonly progressEvery?: number;
  /** Which properties to run. @default all */
  readonly kinds?: readonly FuzzKind[];
}

export interface FuzzFailure {
  readonly target: TargetName;
  readonly kind: FuzzKind;
  readonly seed: number;
  readonly path: string | null;
  readonly counterexample: string;
  readonly error: string;
}

export interface FuzzStats {
  readonly target: TargetName;
  readonly kind: FuzzKind;
  readonly runs: number;
  readonly statuses: Record<string, number>;
  readonly failures: FuzzFailure[];
  readonly ms: number;
  /** Re-signed tokens: status per recipe (for the cross-target comparison). */
  readonly decisions?: Map<string, number>;
}

const ISSUER_KID = 'es256-1';

/** A null-prototype copy, so `__proto__` and friends are own members when serialised. */
function bare(source: Record<string, unknown>): Record<string, unknown> {
  const out = Object.create(null) as Record<string, unknown>;
  for (const [k, v] of Object.entries(source)) out[k] = v;
  return out;
}

function applyEdits(base: Record<string, unknown>, edits: readonly (HeaderEdit | ClaimEdit)[]): Record<string, unknown> {
  const out = bare(base);
  for (const e of edits) {
    if (e.kind === 'delete') delete out['member' in e ? e.member : e.claim];
    else if (e.kind === 'set') out['member' in e ? e.member : e.claim] = e.value;
    else out[e.claim] = (typeof out[e.claim] === 'number' ? (out[e.claim] as number) : Math.floor(Date.now() / 1000)) + e.seconds;
  }
  return out;
}

/** Sends with node:http, or raw bytes when node:http refuses the header bytes. */
async function deliver(url: string, method: string, path: string, headers: Array<[string, string]>, body: string | undefined, timeoutMs: number): Promise<HttpResult> {
  const result = await send(url, { method, path, headers, ...(body === undefined ? {} : { body }) }, { timeoutMs });
  if (!result.error?.startsWith('client refused')) return result;
  const host = new URL(url).host;
  const lines = [`${method} ${path} HTTP/1.1`, `Host: ${host}`, ...headers.map(([n, v]) => `${n}: ${v}`), `Content-Length: ${Buffer.byteLength(body ?? '')}`, 'Connection: close', '', body ?? ''];
  return sendRaw(url, Buffer.from(lines.join('\r\n'), 'utf8'), timeoutMs);
}

/** Common assertions: an answer, no 5xx, and (when `denyOnly`) no allow. */
function judge(result: HttpResult, denyOnly: boolean, hugeInput: boolean): void {
  if (result.error !== undefined) {
    // A header block over Node's limit may be answered with 431 and a reset before we read it.
    if (hugeInput && /^(ECONNRESET|EPIPE|reset)$/.test(result.error)) return;
    throw new Error(`no answer: ${result.error}`);
  }
  if (result.status >= 500) throw new Error(`server error ${result.status}: ${result.body.slice(0, 200)}`);
  if (denyOnly && result.status >= 200 && result.status < 300) throw new Error(`ALLOWED (${result.status}) ${result.body.slice(0, 200)}`);
}

const JWT_LIKE = /[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g;

/** Fuzzes one target with every property; returns statistics (failures inside). */
export async function fuzzTarget(target: FuzzTarget, issuer: TestIssuer, options: FuzzOptions): Promise<FuzzStats[]> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const sent = new Set<string>();
  let done = 0;
  const tick = () => {
    done++;
    if (options.onProgress && done % (options.progressEvery ?? 1000) === 0) options.onProgress(done);
  };
  const orderPath = target.world.order(target.world.orders.a1);
  const now = () => Math.floor(issuer.clock.now() / 1000);
  const valid = async () => {
    const t = await issuer.token({ ...PRINCIPALS.alice });
    sent.add(t);
    return t;
  };
  const get = async (token: string, extra: Array<[string, string]> = [], path = orderPath) => {
    const result = await send(target.url, { method: 'GET', path, headers: [['Authorization', `Bearer ${token}`], ...extra] }, { timeoutMs, agent });
    if (result.error?.startsWith('client refused')) return deliver(target.url, 'GET', path, [['Authorization', `Bearer ${token}`], ...extra], undefined, timeoutMs);
    return result;
  };

  const stats: FuzzStats[] = [];
  const run = async <T>(kind: FuzzKind, arb: fc.Arbitrary<T>, predicate: (input: T, statuses: Record<string, number>) => Promise<void>, decisions?: Map<string, number>) => {
    if (options.kinds && !options.kinds.includes(kind)) return;
    const statuses: Record<string, number> = {};
    const started = Date.now();
    const details = await fc.check(
      fc.asyncProperty(arb, async (input) => {
        tick();
        await predicate(input, statuses);
      }),
      { seed: options.seed, numRuns: options.numRuns, ...(options.path ? { path: options.path } : {}), endOnFailure: false, interruptAfterTimeLimit: Math.max(60_000, options.numRuns * 200) },
    );
    const failures: FuzzFailure[] = [];
    if (details.failed) {
      failures.push({
        target: target.name,
        kind,
        seed: details.seed,
        path: details.counterexamplePath,
        counterexample: details.counterexample ? fc.stringify(details.counterexample).slice(0, 2000) : '(interrupted)',
        error: details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance ?? 'interrupted'),
      });
    }
    stats.push({ target: target.name, kind, runs: details.numRuns, statuses, failures, ms: Date.now() - started, ...(decisions ? { decisions } : {}) });
  };
  const count = (statuses: Record<string, number>, r: HttpResult) => {
    const key = r.error ? r.error : String(r.status);
    statuses[key] = (statuses[key] ?? 0) + 1;
  };

  try {
    await run('mutated-token', mutation, async (m, statuses) => {
      const base = await valid();
      const token = applyMutation(base, m);
      fc.pre(token !== undefined);
      sent.add(token!);
      const r = await get(token!);
      count(statuses, r);
      judge(r, true, false);
    });

    const decisions = new Map<string, number>();
    await run(
      'resigned-token',
      resigned,
      async (recipe, statuses) => {
        const base = { iss: issuer.issuer, aud: issuer.audience, iat: now(), exp: now() + 300, jti: crypto.randomUUID(), ...PRINCIPALS.alice };
        const header = applyEdits({ alg: 'ES256', typ: 'at+jwt', kid: ISSUER_KID }, recipe.header);
        const claims = applyEdits(base, recipe.claims);
        let headerText: string;
        let payloadText: string;
        try {
          headerText = JSON.stringify(header);
          payloadText = JSON.stringify(claims);
        } catch {
          fc.pre(false);
          return;
        }
        const token = await issuer.sign(headerText, payloadText, { key: { kid: ISSUER_KID } });
        sent.add(token);
        const reason = certainlyInvalid(header, claims, {
          issuer: issuer.issuer,
          audience: issuer.audience,
          now: now(),
          leeway: target.world.leewaySeconds,
          maxLifetime: target.maxLifetime,
          signingKid: ISSUER_KID,
        });
        const r = await get(token);
        count(statuses, r);
        decisions.set(JSON.stringify(recipe), r.status);
        try {
          judge(r, reason !== undefined, false);
        } catch (error) {
          throw new Error(`${(error as Error).message} (oracle: ${reason ?? 'not certainly invalid'})`, { cause: error });
        }
      },
      decisions,
    );

    await run('odd-headers', headerFuzz, async (input, statuses) => {
      const t0 = await valid();
      const other = await issuer.token({ ...PRINCIPALS.bob });
      sent.add(other);
      const auth: Record<AuthorizationShape, Array<[string, string]>> = {
        none: [],
        valid: [['Authorization', `Bearer ${t0}`]],
        duplicate: [['Authorization', `Bearer ${t0}`], ['Authorization', `Bearer ${t0}`]],
        'duplicate-other': [['Authorization', `Bearer ${other}`], ['Authorization', `Bearer ${t0}`]],
        'lowercase-scheme': [['Authorization', `bearer ${t0}`]],
        'extra-spaces': [['Authorization', `Bearer   ${t0}`]],
        tab: [['Authorization', `Bearer\t${t0}`]],
        'trailing-junk': [['Authorization', `Bearer ${t0} x`]],
        basic: [['Authorization', 'Basic YWxpY2U6cHc=']],
        dpop: [['Authorization', `DPoP ${t0}`]],
        folded: [],
        'latin1-suffix': [['Authorization', `Bearer ${t0}\u00e9`]],
      };
      const path = input.path === 'order' ? orderPath : input.path === 'list' ? '/orders' : target.world.adminOp.path;
      const method = input.path === 'admin' ? target.world.adminOp.method : 'GET';
      const extra = input.extra.map(({ name, value }) => [name, value] as [string, string]);
      const huge = extra.some(([, v]) => v.length > 1024);
      let r: HttpResult;
      if (input.authorization === 'folded') {
        const lines = [`${method} ${path} HTTP/1.1`, `Host: ${new URL(target.url).host}`, 'Authorization: Bearer', ` ${t0}`, ...extra.map(([n, v]) => `${n}: ${v}`), 'Content-Length: 0', 'Connection: close', '', ''];
        r = await sendRaw(target.url, Buffer.from(lines.join('\r\n'), 'latin1'), timeoutMs);
      } else {
        r = await deliver(target.url, method, path, [...auth[input.authorization], ...extra], method === 'POST' ? '' : undefined, timeoutMs);
      }
      count(statuses, r);
      const mayAllow = ['valid', 'lowercase-scheme', 'extra-spaces', 'folded'].includes(input.authorization) && input.path !== 'admin';
      judge(r, !mayAllow, huge);
    });

    await run('odd-bodies', bodyFuzz, async (input, statuses) => {
      const headers: Array<[string, string]> = [];
      if (input.withToken) headers.push(['Authorization', `Bearer ${await valid()}`]);
      if (input.contentType) headers.push(['Content-Type', input.contentType]);
      const r = await deliver(target.url, 'POST', '/orders', headers, input.body, timeoutMs);
      count(statuses, r);
      judge(r, !input.withToken, input.body.length > 16 * 1024);
    });
  } finally {
    agent.destroy();
  }

  // No token we sent may be in the logs (JWT-shaped strings are extracted and looked up).
  const leaked = (target.logText().match(JWT_LIKE) ?? []).filter((s) => sent.has(s));
  if (leaked.length) {
    stats.push({
      target: target.name,
      kind: 'mutated-token',
      runs: 0,
      statuses: {},
      failures: [{ target: target.name, kind: 'mutated-token', seed: options.seed, path: null, counterexample: leaked[0]!.slice(0, 40), error: `${leaked.length} token(s) found in the target's logs` }],
      ms: 0,
    });
  }
  return stats;
}

/** Cross-target check of re-signed tokens: the SPEC targets run one configuration and must decide alike. */
export function compareDecisions(stats: readonly FuzzStats[]): { compared: number; divergent: string[] } {
  const specs = stats.filter((s) => s.kind === 'resigned-token' && s.target !== 'orders-api' && s.decisions);
  const divergent: string[] = [];
  let compared = 0;
  if (specs.length < 2) return { compared, divergent };
  const [first, ...rest] = specs;
  for (const [recipe, status] of first!.decisions!) {
    const others = rest.map((s) => s.decisions!.get(recipe));
    if (others.some((o) => o === undefined)) continue;
    compared++;
    const all = [status, ...(others as number[])];
    const allowed = all.map((s) => s >= 200 && s < 300);
    if (allowed.some((a) => a !== allowed[0])) divergent.push(`${specs.map((s, i) => `${s.target}=${all[i]}`).join(' ')} for ${recipe.slice(0, 300)}`);
  }
  return { compared, divergent };
}

/** The seed of this run: FUZZ_SEED, or a fresh one (always printed). */
export function fuzzSeed(): number {
  const fromEnv = process.env['FUZZ_SEED'];
  if (fromEnv !== undefined && fromEnv !== '') {
    const n = Number(fromEnv);
    if (!Number.isSafeInteger(n)) throw new TypeError('FUZZ_SEED must be an integer (as printed by a previous run)');
    return n;
  }
  return (Date.now() ^ Math.floor(Math.random() * 0x7fffffff)) | 0;
}

/** One line per failure, with everything needed to replay it. */
export function describeFailure(f: FuzzFailure): string {
  return `FUZZ FAILURE [${f.target}] ${f.kind}: ${f.error}\n  replay: FUZZ_SEED=${f.seed}${f.path ? ` FUZZ_PATH=${f.path}` : ''}\n  counterexample: ${f.counterexample}`;
}
