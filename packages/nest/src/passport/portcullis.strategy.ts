import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { AuthContext, Portcullis, Principal } from '@portcullis/core';
import passport from 'passport';
import { toHttpRequestLike, setResponseHeaders } from '../internal/http-platform.js';
import { setState } from '../internal/request-state.js';
import { PortcullisHttpException } from '../portcullis-http.exception.js';
import { PORTCULLIS } from '../portcullis.constants.js';

/** Passport's verify callback shape for {@link PortcullisPassportStrategy}. */
export type PortcullisVerify = (
  auth: AuthContext,
  done: (error: unknown, user?: unknown, info?: unknown) => void,
) => void;

/**
 * A plain passport strategy (named `portcullis`) that authenticates the request's bearer token with
 * a Portcullis instance — RFC 6750 extraction, verification, revocation and claim mapping all in
 * core. Failures are passed to passport as errors carrying the Portcullis answer (a
 * `PortcullisHttpException`), so `AuthGuard('portcullis')` rejects with the right status and body;
 * on Express the challenge headers are set on the response too.
 *
 * Most apps use {@link PortcullisStrategy}, the Nest provider built on it.
 *
 * @example
 * ```ts
 * passport.use(new PortcullisPassportStrategy(portcullis, (auth, done) => done(null, auth.principal)));
 * ```
 */
export class PortcullisPassportStrategy extends passport.Strategy {
  override name = 'portcullis';

  constructor(
    private readonly portcullis: Portcullis,
    private readonly verify: PortcullisVerify,
  ) {
    super();
  }

  override authenticate(request: unknown): void {
    // passport calls authenticate() on an object created from this strategy and augmented with
    // success/fail/error, so `this` below has them.
    const self = this as unknown as passport.StrategyCreatedStatic & this;
    this.portcullis.authenticate(toHttpRequestLike(request)).then(
      (auth) => {
        this.verify(auth, (error, user, info) => {
          if (error) return self.error(error);
          if (!user)
            return self.error(
              PortcullisHttpException.from(new Error('validate() returned no user'), this.portcullis.challenge),
            );
          // Only now, once validate() accepted the user: a principal stored before would survive a
          // refusal, and PortcullisRulesGuard (which trusts `request.portcullis` first) would then
          // allow a caller that validate() refused whenever the AuthGuard lets failures through.
          setState(request as object, auth, false);
          self.success(user as Express.User, info as object | undefined);
        });
      },
      (error: unknown) => {
        const exception = PortcullisHttpException.from(error, this.portcullis.challenge);
        // Express requests link to their response; Fastify's do not (use PortcullisExceptionFilter there).
        setResponseHeaders((request as { res?: unknown }).res, exception.headers);
        self.error(exception);
      },
    );
  }
}

/**
 * `@nestjs/passport` strategy named `portcullis`, for apps that already use passport:
 * `AuthGuard('portcullis')` authenticates with the module's Portcullis instance, sets
 * `request.user` to the `Principal` and `request.portcullis = { principal, token }`, so
 * `PortcullisRulesGuard` and the rule decorators work after it. Register it as a provider.
 *
 * @example
 * ```ts
 * @Module({
 *   imports: [PassportModule, PortcullisModule.forRoot({ ...options, globalGuard: false })],
 *   providers: [PortcullisStrategy],
 * })
 * export class AppModule {}
 *
 * @UseGuards(AuthGuard('portcullis'), PortcullisRulesGuard)
 * @Get('orders') @Scopes('orders:read')
 * list(@CurrentPrincipal() me: Principal) { … }
 * ```
 */
@Injectable()
export class PortcullisStrategy extends PassportStrategy(PortcullisPassportStrategy, 'portcullis') {
  constructor(@Inject(PORTCULLIS) portcullis: Portcullis) {
    super(portcullis);
  }

  /** Maps the authentication to `request.user`. Override to return your own user object. */
  validate(auth: AuthContext): Principal | Promise<Principal> {
    return auth.principal;
  }
}
