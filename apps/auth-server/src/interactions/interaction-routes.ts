import type { IncomingMessage } from 'node:http';
import type Provider from 'oidc-provider';
import type { InteractionResults } from 'oidc-provider';
import { authenticate } from '../users.js';
import { html, layout, type Html } from './html.js';

/** Koa middleware as accepted by `provider.use`. */
type ProviderMiddleware = Parameters<Provider['use']>[0];
type Ctx = Parameters<ProviderMiddleware>[0];
type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

/** Interaction paths: `/interaction/:uid` (GET) and `/interaction/:uid/{login,confirm,abort}` (POST). */
const ROUTE = /^\/interaction\/([\w-]{1,64})(?:\/(login|confirm|abort))?$/;

/** Largest form body accepted on the interaction pages. */
const MAX_FORM_BYTES = 8 * 1024;

/** Options of {@link interactionRoutes}. */
export interface InteractionRoutesOptions {
  /**
   * Whether the seeded DEV ONLY users (public password) can sign in. When `false` the login page
   * and the login form answer 403 and nobody is logged in. @default true
   */
  userSignIn?: boolean;
}

/** Shown instead of the login form when {@link InteractionRoutesOptions.userSignIn} is off. */
const SIGN_IN_DISABLED = 'sign-in is disabled: the DEV ONLY users have a public password (NODE_ENV=production)';

/**
 * The login and consent pages for the seeded DEV ONLY users, on oidc-provider's interaction API.
 * Mount with `provider.use(interactionRoutes(provider))`; other paths fall through.
 *
 * - `GET /interaction/:uid` shows the login form or the consent page, by the pending prompt.
 * - `POST /interaction/:uid/login` checks `username`/`password` and finishes the login prompt.
 * - `POST /interaction/:uid/confirm` grants the requested scopes and resource (consent prompt).
 * - `POST /interaction/:uid/abort` ends the request with `access_denied`.
 *
 * Every value on the pages is HTML-escaped. There is no CSRF token: the interaction cookie is
 * `SameSite=Lax` and scoped to the interaction path, which is enough for a local dev server.
 *
 * @example
 * provider.use(interactionRoutes(provider));
 */
export function interactionRoutes(provider: Provider, options: InteractionRoutesOptions = {}): ProviderMiddleware {
  const userSignIn = options.userSignIn !== false;
  return async (ctx, next) => {
    const match = ROUTE.exec(ctx.path);
    if (match === null) return next();
    const [, uid, action] = match;

    // Pages that show credentials or a consent decision: never cached, never framed.
    ctx.set('Cache-Control', 'no-store');
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
    ctx.set('Referrer-Policy', 'no-referrer');

    try {
      const expectedMethod = action === undefined ? 'GET' : 'POST';
      if (ctx.method !== expectedMethod) {
        ctx.set('Allow', expectedMethod);
        return renderError(ctx, 405, 'method_not_allowed', `use ${expectedMethod}`);
      }

      const interaction = await provider.interactionDetails(ctx.req, ctx.res);
      if (interaction.uid !== uid) {
        return renderError(ctx, 400, 'invalid_request', 'interaction does not match this browser session');
      }

      if (!userSignIn && interaction.prompt.name === 'login' && (action === undefined || action === 'login')) {
        return renderError(ctx, 403, 'access_denied', SIGN_IN_DISABLED);
      }

      switch (action) {
        case undefined:
          return await showPrompt(provider, ctx, interaction);
        case 'login':
          return await submitLogin(provider, ctx, interaction);
        case 'confirm':
          return await submitConsent(provider, ctx, interaction);
        case 'abort':
          return await finish(provider, ctx, {
            error: 'access_denied',
            error_description: 'End-User aborted interaction',
          });
      }
    } catch (error) {
      // oidc-provider errors (e.g. SessionNotFound) carry a status and fixed, non-secret texts.
      const e = error as { statusCode?: unknown; error?: unknown; error_description?: unknown };
      if (typeof e.statusCode === 'number' && typeof e.error === 'string') {
        return renderError(
          ctx,
          e.statusCode,
          e.error,
          typeof e.error_description === 'string' ? e.error_description : '',
        );
      }
      throw error;
    }
  };
}

async function showPrompt(
  provider: Provider,
  ctx: Ctx,
  interaction: Interaction,
  loginError?: string,
  username = '',
): Promise<void> {
  const clientId = String(interaction.params['client_id'] ?? '');
  const client = await provider.Client.find(clientId);
  const clientName = client?.clientName ?? clientId;
  const { uid } = interaction;

  if (interaction.prompt.name === 'login') {
    ctx.status = loginError === undefined ? 200 : 401;
    ctx.type = 'html';
    ctx.body = layout(
      'Sign in',
      html`<p>to continue to <strong>${clientName}</strong> (<code>${clientId}</code>)</p>
        ${loginError === undefined ? '' : html`<p class="error" role="alert">${loginError}</p>`}
        <form method="post" action="/interaction/${uid}/login" autocomplete="off">
          <label for="username">Username</label>
          <input id="username" name="username" required autofocus value="${username}" />
          <label for="password">Password</label>
          <input id="password" name="password" type="password" required />
          <button type="submit">Sign in</button>
        </form>
        <form method="post" action="/interaction/${uid}/abort"><button type="submit">Cancel</button></form>`,
    );
    return;
  }

  if (interaction.prompt.name === 'consent') {
    const { scopes, resources } = requestedAccess(interaction);
    ctx.status = 200;
    ctx.type = 'html';
    ctx.body = layout(
      'Authorize access',
      html`<p>
          <strong>${clientName}</strong> (<code>${clientId}</code>) asks for access as
          <strong>${interaction.session?.accountId ?? ''}</strong>.
        </p>
        <p>Scopes:</p>
        <ul>
          ${scopes.map((s) => html`<li><code>${s}</code></li>`)}
        </ul>
        ${
          resources.length > 0
            ? html`<p>For the API:</p>
                <ul>
                  ${resources.map((r) => html`<li><code>${r}</code></li>`)}
                </ul>`
            : ''
        }
        <form method="post" action="/interaction/${uid}/confirm"><button type="submit">Allow</button></form>
        <form method="post" action="/interaction/${uid}/abort"><button type="submit">Deny</button></form>`,
    );
    return;
  }

  return renderError(ctx, 400, 'invalid_request', 'unsupported interaction prompt');
}

async function submitLogin(provider: Provider, ctx: Ctx, interaction: Interaction): Promise<void> {
  if (interaction.prompt.name !== 'login') {
    return renderError(ctx, 400, 'invalid_request', 'this interaction does not ask for a login');
  }
  const form = await readForm(ctx.req);
  const username = form.get('username') ?? '';
  const user = authenticate(username, form.get('password') ?? '');
  if (user === undefined) {
    // Same answer for an unknown user and a wrong password.
    return showPrompt(provider, ctx, interaction, 'Invalid username or password.', username);
  }
  return finish(provider, ctx, { login: { accountId: user.sub } });
}

async function submitConsent(provider: Provider, ctx: Ctx, interaction: Interaction): Promise<void> {
  const { prompt, params, session } = interaction;
  if (prompt.name !== 'consent' || session === undefined) {
    return renderError(ctx, 400, 'invalid_request', 'this interaction does not ask for consent');
  }
  const clientId = String(params['client_id'] ?? '');
  const existing = interaction.grantId === undefined ? undefined : await provider.Grant.find(interaction.grantId);
  const grant = existing ?? new provider.Grant({ accountId: session.accountId, clientId });

  // Grant exactly what the pending consent prompt lists as missing; oidc-provider already checked
  // the request against the client's scope allowlist and the resource server's scopes.
  const details = prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (details.missingOIDCScope !== undefined) grant.addOIDCScope(details.missingOIDCScope.join(' '));
  if (details.missingOIDCClaims !== undefined) grant.addOIDCClaims(details.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(details.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();
  return finish(provider, ctx, { consent: { grantId } });
}

async function finish(provider: Provider, ctx: Ctx, result: InteractionResults): Promise<void> {
  const returnTo = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
  ctx.redirect(returnTo);
  ctx.status = 303;
}

function requestedAccess(interaction: Interaction): { scopes: string[]; resources: string[] } {
  const details = interaction.prompt.details as {
    missingOIDCScope?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  const resourceScopes = Object.values(details.missingResourceScopes ?? {}).flat();
  const scopes = [...new Set([...(details.missingOIDCScope ?? []), ...resourceScopes])];
  return { scopes, resources: Object.keys(details.missingResourceScopes ?? {}) };
}

function renderError(ctx: Ctx, status: number, error: string, description: string): void {
  ctx.status = status;
  ctx.type = 'html';
  ctx.body = layout('Something went wrong', errorBody(error, description));
}

function errorBody(error: string, description: string): Html {
  return html`<p class="error"><code>${error}</code></p>
    ${description === '' ? '' : html`<p>${description}</p>`}`;
}

/** Reads an `application/x-www-form-urlencoded` body of at most {@link MAX_FORM_BYTES}. */
async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = (req.headers['content-type'] ?? '').split(';', 1)[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw formError(415, 'expected an application/x-www-form-urlencoded form');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) throw formError(413, 'form too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function formError(statusCode: number, description: string): Error {
  return Object.assign(new Error(description), {
    statusCode,
    error: 'invalid_request',
    error_description: description,
  });
}
