import type { Narrator } from './narration/narrator.js';
import { SCENARIOS } from './scenarios/index.js';
import { createDemoContext, DemoCheckFailed, type DemoContext } from './scenarios/demo-context.js';
import type { Scenario } from './scenarios/scenario.js';

/** Options of {@link runDemo}. */
export interface RunDemoOptions {
  /** Issuer URL of the auth server, e.g. `http://127.0.0.1:4000`. */
  readonly authUrl: string;
  /** Base URL of the orders API, e.g. `http://127.0.0.1:3000`. */
  readonly apiUrl: string;
  readonly narrator: Narrator;
  /** Secrets of the confidential clients. @default the DEV ONLY ones */
  readonly secrets?: { readonly ordersBackoffice: string; readonly fulfilmentService: string };
  /** Scenario ids to run. @default all of {@link SCENARIOS}, in order */
  readonly only?: readonly string[];
  /**
   * Pause before each scenario but the first, in milliseconds. The orders API lets one user make
   * 20 requests per second (its default burst limit) and alice appears in most scenarios: with a
   * pause longer than that one-second window the demo never trips the limit, however the
   * scenarios grow. @default DEFAULT_PAUSE_MS
   */
  readonly pauseMs?: number;
}

/** Default of {@link RunDemoOptions.pauseMs}: the API's one-second burst window, plus a margin. */
export const DEFAULT_PAUSE_MS = 1100;

/** How one scenario went. */
export interface ScenarioOutcome {
  readonly id: string;
  readonly title: string;
  readonly passed: boolean;
  /** What the scenario returned (passed) or why it failed. */
  readonly value?: unknown;
  readonly error?: string;
}

/** The outcome of a demo run; `ok` only when the stack was reachable and every scenario passed. */
export interface DemoReport {
  readonly ok: boolean;
  readonly outcomes: readonly ScenarioOutcome[];
  /** Set when the stack could not be reached (no scenario ran). */
  readonly unreachable?: string;
}

/**
 * Runs the narrated demo against a running stack: discovery at the auth server, a health check
 * of the orders API, then every scenario in order. A failing scenario is reported and the next
 * one still runs; the report says whether all passed.
 *
 * @example
 * ```ts
 * const report = await runDemo({ authUrl, apiUrl, narrator: createNarrator(console.log) });
 * process.exitCode = report.ok ? 0 : 1;
 * ```
 */
export async function runDemo(options: RunDemoOptions): Promise<DemoReport> {
  const { narrator } = options;
  const scenarios = selectScenarios(options.only);
  narrator.explain(`Portcullis reference stack: auth server ${options.authUrl}, orders API ${options.apiUrl}`);
  narrator.note('Tokens are shown as ‹type sha256:fingerprint›, never whole; passwords and client secrets as ***.');

  const unreachable = await checkApi(options.apiUrl);
  if (unreachable !== undefined) return reportUnreachable(narrator, unreachable);
  let ctx: DemoContext;
  try {
    ctx = await createDemoContext(options);
  } catch (error) {
    return reportUnreachable(
      narrator,
      `the auth server at ${options.authUrl} did not answer discovery (${messageOf(error)})`,
    );
  }

  const outcomes: ScenarioOutcome[] = [];
  for (const [index, scenario] of scenarios.entries()) {
    if (index > 0) await new Promise((resolve) => setTimeout(resolve, options.pauseMs ?? DEFAULT_PAUSE_MS));
    narrator.heading(`${index + 1}/${scenarios.length}  ${scenario.title}`);
    narrator.explain(scenario.explanation);
    try {
      const value = await scenario.run(ctx);
      outcomes.push({ id: scenario.id, title: scenario.title, passed: true, value });
    } catch (error) {
      // A failed check was printed already; anything else (a refused connection, a library error) is printed here.
      if (!(error instanceof DemoCheckFailed)) narrator.fail(`unexpected error: ${messageOf(error)}`);
      outcomes.push({ id: scenario.id, title: scenario.title, passed: false, error: messageOf(error) });
    }
  }

  const failed = outcomes.filter((o) => !o.passed);
  narrator.heading('Summary');
  for (const o of outcomes) (o.passed ? narrator.pass : narrator.fail)(`${o.id}${o.passed ? '' : `: ${o.error}`}`);
  if (failed.length === 0) narrator.pass(`all ${outcomes.length} scenarios behaved as the contract says`);
  else narrator.fail(`${failed.length} of ${outcomes.length} scenarios did not behave as expected`);
  return { ok: failed.length === 0, outcomes };
}

function selectScenarios(only: readonly string[] | undefined): readonly Scenario[] {
  if (only === undefined || only.length === 0) return SCENARIOS;
  const unknown = only.filter((id) => !SCENARIOS.some((s) => s.id === id));
  if (unknown.length > 0) {
    throw new TypeError(`unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.id).join(', ')}`);
  }
  return SCENARIOS.filter((s) => only.includes(s.id));
}

async function checkApi(apiUrl: string): Promise<string | undefined> {
  try {
    const response = await fetch(new URL('/health', apiUrl), { signal: AbortSignal.timeout(5000) });
    await response.body?.cancel();
    return response.ok ? undefined : `the orders API at ${apiUrl} answered ${response.status} on /health`;
  } catch (error) {
    return `the orders API at ${apiUrl} is not reachable (${messageOf(error)})`;
  }
}

function reportUnreachable(narrator: Narrator, reason: string): DemoReport {
  narrator.fail(reason);
  narrator.note('Start the stack first: `npm start` (or set AUTH_URL / API_URL).');
  return { ok: false, outcomes: [], unreachable: reason };
}

function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
