/**
 * Runs one corpus case on one target and says what went wrong (an empty list = passed).
 *
 * For every request: the status must be one of the expected outcomes; for a Portcullis code the
 * body must be exactly `{statusCode, error, code, message}` with the fixed message, with
 * `Cache-Control: no-store`, the exact `WWW-Authenticate` (or its absence, once at most) and a
 * numeric `Retry-After` on 503; nothing downstream may have run (spies or database digest, no
 * order data in the body); and a Portcullis denial must leave exactly one audit event with its
 * code. After the case: no token sent during it may appear in the target's logs or audit events.
 */
import { CODE_TABLE, expectedChallenge } from '../corpus/expect.js';
import type { ChallengeProfile } from '../corpus/expect.js';
import type { BurstStep, CaseRun, CorpusCase, Expectation, Outcome, RequestStep } from '../corpus/types.js';
import type { DownstreamSnapshot, TargetHandle } from '../targets/target-handle.js';
import type { RunnerContext } from './case-context.js';
import { send, sendRaw } from './http-client.js';
import type { HttpResult } from './http-client.js';

/** Per-request timeout: a hang is a failure, never a stuck run. */
export const REQUEST_TIMEOUT_MS = 10_000;

const STATUS_NAMES: Readonly<Record<number, string>> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  500: 'internal_error',
  503: 'service_unavailable',
};

/** Codes whose answer is an authorization decision and must be audited (once). */
const AUDITED = new Set(Object.keys(CODE_TABLE).filter((c) => c !== 'ERR_INTERNAL'));

const short = (text: string) => (text.length > 160 ? `${text.slice(0, 160)}…` : text);

/** Checks one answer against its expectation; returns failure messages. */
export function checkAnswer(
  label: string,
  expect: Expectation,
  result: HttpResult,
  profile: ChallengeProfile,
  before: DownstreamSnapshot | undefined,
  after: DownstreamSnapshot | undefined,
): string[] {
  if (result.error !== undefined) {
    if (expect.resetIsRefusal && /^(ECONNRESET|EPIPE|reset)$/.test(result.error)) {
      return before && after ? checkDownstream(label, { oneOf: [], downstream: 'none' }, undefined, result, before, after, 1) : [];
    }
    return [`${label}: no answer (${result.error})`];
  }
  const failures: string[] = [];
  const candidates = expect.oneOf.filter((o) => o.status === result.status);
  if (candidates.length === 0) {
    const wanted = [...new Set(expect.oneOf.map((o) => (o.code === '*' ? String(o.status) : `${o.status} ${o.code}`)))].join(' | ');
    return [`${label}: got ${result.status} ${short(result.body)} — expected ${wanted}`];
  }
  const body = (typeof result.json === 'object' && result.json !== null ? result.json : {}) as Record<string, unknown>;
  const outcome: Outcome | undefined = candidates.find((o) => o.code !== '*' && o.code === body['code']) ?? candidates.find((o) => o.code === '*');
  if (!outcome) {
    return [`${label}: ${result.status} with code ${String(body['code'])} — expected ${candidates.map((o) => o.code).join(' | ')}`];
  }
  const challenge = result.headers['www-authenticate'] ?? null;
  if ((result.headerCounts['www-authenticate'] ?? 0) > 1) failures.push(`${label}: WWW-Authenticate sent ${result.headerCounts['www-authenticate']} times`);
  if (outcome.code !== '*') {
    const entry = CODE_TABLE[outcome.code]!;
    const keys = Object.keys(body).sort().join(',');
    if (keys !== 'code,error,message,statusCode') failures.push(`${label}: error body has keys [${keys}]`);
    if (body['message'] !== entry.description) failures.push(`${label}: message ${JSON.stringify(body['message'])} (fixed text expected)`);
    if (body['statusCode'] !== result.status) failures.push(`${label}: statusCode ${String(body['statusCode'])} in the body`);
    const error = entry.error ?? STATUS_NAMES[result.status];
    if (body['error'] !== error) failures.push(`${label}: error ${JSON.stringify(body['error'])}, expected ${JSON.stringify(error)}`);
    if (!/no-store/.test(result.headers['cache-control'] ?? '')) failures.push(`${label}: no Cache-Control: no-store`);
    const wanted = expectedChallenge(outcome.code, profile, outcome.scope);
    if (challenge !== wanted) failures.push(`${label}: WWW-Authenticate ${JSON.stringify(challenge)}, expected ${JSON.stringify(wanted)}`);
    if (result.status === 503 && !/^\d+$/.test(result.headers['retry-after'] ?? '')) failures.push(`${label}: 503 without a numeric Retry-After`);
  } else if (expect.challenge !== undefined && challenge !== expect.challenge) {
    failures.push(`${label}: WWW-Authenticate ${JSON.stringify(challenge)}, expected ${JSON.stringify(expect.challenge)}`);
  }
  if (before && after) failures.push(...checkDownstream(label, expect, outcome, result, before, after, 1));
  const extra = (outcome.check ?? expect.check)?.(result);
  if (extra) failures.push(`${label}: ${extra}`);
  return failures;
}

/** "Nothing downstream ran" (or: the handler did run, for allows). */
function checkDownstream(
  label: string,
  expect: Expectation,
  outcome: Outcome | undefined,
  result: HttpResult,
  before: DownstreamSnapshot,
  after: DownstreamSnapshot,
  requests: number,
): string[] {
  const mode = outcome?.downstream ?? expect.downstream ?? (result.status >= 200 && result.status < 300 ? 'ran' : 'none');
  if (mode === 'any') return [];
  if (before.kind === 'spy' && after.kind === 'spy') {
    const handler = after.counters.handler - before.counters.handler;
    const writes = after.counters.writes - before.counters.writes;
    const loads = after.counters.loads - before.counters.loads;
    if (mode === 'ran') return handler >= requests ? [] : [`${label}: the handler did not run on an allow`];
    const failures: string[] = [];
    if (handler !== 0) failures.push(`${label}: DOWNSTREAM RAN — ${handler} handler run(s) on a denial`);
    if (writes !== 0) failures.push(`${label}: DOWNSTREAM RAN — ${writes} write(s) on a denial`);
    // An ownership decision needs the (owner-scoped) lookup; any other denial loads nothing.
    const allowedLoads = result.status === 404 ? requests : 0;
    if (loads > allowedLoads) failures.push(`${label}: DOWNSTREAM RAN — ${loads} resource load(s) on a ${result.status}`);
    return failures;
  }
  if (before.kind === 'db' && after.kind === 'db' && mode === 'none') {
    const failures: string[] = [];
    if (before.digest !== after.digest || before.rows !== after.rows) failures.push(`${label}: DOWNSTREAM RAN — order data changed on a denial`);
    const leaked = before.secrets.filter((s) => result.body.includes(s));
    if (leaked.length) failures.push(`${label}: order data in a denial body (${leaked.slice(0, 2).join(', ')})`);
    return failures;
  }
  return [];
}

/** Runs `tasks` with at most `concurrency` in flight. */
async function pool<T>(items: readonly T[], concurrency: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await run(items[next++]!);
    }),
  );
}

function sendStep(target: TargetHandle, step: Pick<RequestStep, 'method' | 'path' | 'headers' | 'body' | 'raw' | 'baseUrl'>): Promise<HttpResult> {
  const base = step.baseUrl ?? target.url;
  if (step.raw !== undefined) return sendRaw(base, step.raw, REQUEST_TIMEOUT_MS);
  return send(
    base,
    { method: step.method, path: step.path, ...(step.headers ? { headers: step.headers } : {}), ...(step.body === undefined ? {} : { body: step.body }) },
    { timeoutMs: REQUEST_TIMEOUT_MS },
  );
}

/** Auditing: a Portcullis denial leaves exactly one deny event with its code. */
function checkAudit(label: string, result: HttpResult, events: readonly unknown[]): string[] {
  const code = (result.json as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string' || !AUDITED.has(code) || result.status < 400) return [];
  const denials = events.filter((e) => (e as { decision?: unknown }).decision === 'deny');
  if (denials.length === 1 && (denials[0] as { reason?: unknown }).reason === code) return [];
  const seen = events.map((e) => `${String((e as { decision?: unknown }).decision)}:${String((e as { reason?: unknown }).reason)}`).join(', ');
  return [`${label}: expected one audit event deny:${code}, got [${seen}]`];
}

/** Executes one case on one target. */
export async function runCase(c: CorpusCase, target: TargetHandle, ctx: RunnerContext): Promise<string[]> {
  const failures: string[] = [];
  const results = new Map<string, HttpResult>();
  let run: CaseRun;
  try {
    run = await c.build!(ctx);
  } catch (error) {
    return [`case factory failed: ${(error as Error).stack ?? String(error)}`];
  }
  const profile = ctx.world.challenge;

  const requestStep = async (step: RequestStep): Promise<void> => {
    const before = step.baseUrl === undefined || target.name === 'orders-api' ? await target.snapshot() : undefined;
    const auditBefore = target.auditEvents().length;
    const result = await sendStep(target, step);
    const after = before ? await target.snapshot() : undefined;
    results.set(step.label, result);
    failures.push(...checkAnswer(step.label, step.expect, result, profile, before, after));
    if (step.baseUrl === undefined && result.error === undefined) {
      failures.push(...checkAudit(step.label, result, target.auditEvents().slice(auditBefore)));
    }
  };

  const burstStep = async (step: BurstStep): Promise<void> => {
    const before = await target.snapshot();
    const answers: HttpResult[] = [];
    await pool(step.requests, step.concurrency, async (r) => {
      answers.push(await sendStep(target, r));
    });
    const after = await target.snapshot();
    const problems = new Map<string, number>();
    for (const answer of answers) {
      for (const f of checkAnswer(step.label, step.expect, answer, profile, undefined, undefined)) problems.set(f, (problems.get(f) ?? 0) + 1);
    }
    for (const [f, n] of problems) failures.push(n > 1 ? `${f} (×${n})` : f);
    const first = answers[0];
    if (first) {
      const outcome = step.expect.oneOf.find((o) => o.status === first.status);
      failures.push(...checkDownstream(step.label, step.expect, outcome, first, before, after, answers.length));
    }
  };

  for (const step of run.steps) {
    try {
      if (step.kind === 'action') await step.run();
      else if (step.kind === 'lazy') await requestStep(await step.make());
      else if (step.kind === 'burst') await burstStep(step);
      else await requestStep(step);
    } catch (error) {
      failures.push(`${step.label}: step failed: ${(error as Error).message}`);
      break;
    }
  }
  if (run.verify) {
    try {
      const problem = await run.verify(results);
      if (problem) failures.push(problem);
    } catch (error) {
      failures.push(`verify failed: ${(error as Error).message}`);
    }
  }
  // The whole log is searched (tokens are fresh per case, so any hit is this case's leak).
  failures.push(...findLeaks(target.logText(), ctx.secrets));
  return failures;
}

/** Tokens (or their signature segment) found in log text. */
export function findLeaks(text: string, secrets: Iterable<string>): string[] {
  const found: string[] = [];
  for (const secret of secrets) {
    if (secret.length < 16) continue;
    const signature = secret.split('.')[2];
    if (text.includes(secret)) found.push(`TOKEN LEAKED into the target's logs/audit: ${secret.slice(0, 24)}…`);
    else if (signature !== undefined && signature.length >= 24 && text.includes(signature)) {
      found.push(`token signature leaked into the target's logs/audit: ${signature.slice(0, 16)}…`);
    }
  }
  return found;
}
