/**
 * Injection token of the module's one {@link Portcullis} instance (verifier, rules, audit).
 *
 * @example
 * ```ts
 * @Injectable()
 * export class SessionsService {
 *   constructor(@Inject(PORTCULLIS) private readonly portcullis: Portcullis) {}
 * }
 * ```
 */
export const PORTCULLIS: unique symbol = Symbol.for('portcullis.nest.Portcullis');
