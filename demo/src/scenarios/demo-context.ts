import type { JWTPayload } from 'jose';
import type { ApiAnswer } from '../api/orders-api-client.js';
import { OrdersApiClient } from '../api/orders-api-client.js';
import type { Narrator } from '../narration/narrator.js';
import { FULL_SCOPE, signIn, type Session } from '../oauth/sign-in.js';
import { discoverStackClients, type StackClients } from '../oauth/stack-clients.js';
import { HttpTrace } from '../trace/http-trace.js';
import { shortToken } from '../trace/redact.js';

/** The DEV ONLY users seeded in the reference auth server. */
export type SeedUser = 'alice' | 'bob' | 'carol' | 'sam' | 'ada';

/** Password of every seeded user (DEV ONLY, public: it is in the auth server's README). */
export const SEED_PASSWORD = 'password';

/** Raised by a failed check; the narrator has already printed it. */
export class DemoCheckFailed extends Error {
  override readonly name = 'DemoCheckFailed';
}

/** Options of {@link createDemoContext}. */
export interface DemoContextOptions {
  /** Issuer URL of the auth server. */
  readonly authUrl: string;
  /** Base URL of the orders API. */
  readonly apiUrl: string;
  readonly narrator: Narrator;
  /** Secrets of the confidential clients. @default the DEV ONLY ones */
  readonly secrets?: { readonly ordersBackoffice: string; readonly fulfilmentService: string };
}

/** Options of {@link DemoContext.signIn}. */
export interface ContextSignInOptions {
  /** Which browser client: `web` (customers) or `backoffice` (staff). @default 'web' */
  readonly client?: 'web' | 'backoffice';
  /** @default FULL_SCOPE */
  readonly scope?: string;
  /** Show every hop of the flow (login and consent forms, token request). @default false */
  readonly narrate?: boolean;
}

/** Everything a scenario needs: clients, the API, sign-in, checks and the narrator. */
export interface DemoContext {
  readonly narrator: Narrator;
  readonly trace: HttpTrace;
  readonly clients: StackClients;
  readonly api: OrdersApiClient;
  /** Signs a seeded user in with authorization code + PKCE. */
  signIn(user: SeedUser, options?: ContextSignInOptions): Promise<Session>;
  /** Prints ✔ when `condition` holds; prints ✘ and throws {@link DemoCheckFailed} otherwise. */
  check(condition: boolean, what: string, detail?: string): void;
  /** {@link check} on an answer's status. */
  expectStatus(answer: ApiAnswer, status: number, what: string): void;
}

/**
 * Discovers the auth server and builds the context the scenarios run in.
 *
 * @example
 * ```ts
 * const ctx = await createDemoContext({ authUrl, apiUrl, narrator: createNarrator(console.log) });
 * await fulfilmentServiceScenario.run(ctx);
 * ```
 */
export async function createDemoContext(options: DemoContextOptions): Promise<DemoContext> {
  const { narrator } = options;
  const trace = new HttpTrace(narrator);
  const clients = await discoverStackClients({
    issuer: options.authUrl,
    fetch: trace.fetch,
    ...(options.secrets ? { secrets: options.secrets } : {}),
  });
  const api = new OrdersApiClient(options.apiUrl, trace.fetch);

  const check = (condition: boolean, what: string, detail?: string): void => {
    if (condition) {
      narrator.pass(what);
      return;
    }
    narrator.fail(detail === undefined ? what : `${what} (${detail})`);
    throw new DemoCheckFailed(detail === undefined ? what : `${what}: ${detail}`);
  };

  return {
    narrator,
    trace,
    clients,
    api,
    async signIn(user, signInOptions = {}) {
      const config = signInOptions.client === 'backoffice' ? clients.backoffice : clients.web;
      const clientId = config.clientMetadata().client_id;
      const run = () =>
        signIn(
          config,
          { username: user, password: SEED_PASSWORD },
          { fetch: trace.fetch, scope: signInOptions.scope ?? FULL_SCOPE },
        );
      if (signInOptions.narrate) {
        const session = await run();
        narrator.explain(
          `${user}'s access token ${shortToken(session.accessToken)}: ${describeClaims(session.claims)}`,
        );
        return session;
      }
      const session = await trace.quietly(run);
      narrator.explain(
        `${user} signs in through ${clientId} (code + PKCE, requests not shown) → ${shortToken(session.accessToken)} ${describeClaims(session.claims)}`,
      );
      return session;
    },
    check,
    expectStatus(answer, status, what) {
      const retryAfter = answer.headers.get('retry-after');
      const hint =
        answer.status === 429 ? `; the API rate-limited the demo, run it again in ${retryAfter ?? 'a few'} s` : '';
      check(answer.status === status, `${what}: ${status}`, `got ${answer.status}${hint}`);
    },
  };
}

/**
 * The claims of an access token that matter to the API, on one line.
 *
 * @example
 * ```ts
 * describeClaims(claims); // 'sub=alice scope="orders:read" roles=[customer] org_id=acme'
 * ```
 */
export function describeClaims(claims: JWTPayload): string {
  const parts = [`sub=${String(claims.sub)}`];
  if (claims['client_id'] !== claims.sub) parts.push(`client_id=${String(claims['client_id'])}`);
  parts.push(`scope="${String(claims['scope'] ?? '')}"`);
  if (Array.isArray(claims['roles'])) parts.push(`roles=[${claims['roles'].join(',')}]`);
  if (claims['org_id'] !== undefined) parts.push(`org_id=${String(claims['org_id'])}`);
  if (claims.exp !== undefined && claims.iat !== undefined) parts.push(`lifetime ${claims.exp - claims.iat} s`);
  return parts.join(' ');
}
