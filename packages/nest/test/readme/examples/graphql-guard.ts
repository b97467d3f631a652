/**
 * "Platforms, transports and request state" of packages/nest/README.md: the guard subclass for
 * another transport (GraphQL), as written. Checked and run by ../readme-examples.spec.ts.
 */
import { Injectable } from '@nestjs/common';
import type { ContextType, ExecutionContext } from '@nestjs/common';
import { PortcullisGuard } from '@portcullis/nest';

/** Stand-in for `GqlContextType` of `@nestjs/graphql` (same definition). */
export type GqlContextType = 'graphql' | ContextType;

/**
 * Stand-in for `GqlExecutionContext` of `@nestjs/graphql`, which is not a dependency of this
 * package: the same `create(context)` / `getContext()` as in `@nestjs/graphql`, where the GraphQL
 * context (`{ req, res }` with the Express or Fastify integration) is argument 2 of a resolver
 * call (`root, args, context, info`). The spec calls resolvers through Nest's
 * `ExternalContextCreator` with context type `'graphql'`, as `@nestjs/graphql` does.
 */
export class GqlExecutionContext {
  private constructor(private readonly context: ExecutionContext) {}

  static create(context: ExecutionContext): GqlExecutionContext {
    return new GqlExecutionContext(context);
  }

  getContext<T = any>(): T {
    return this.context.getArgByIndex<T>(2);
  }
}

// readme: graphql-guard
@Injectable()
export class GqlPortcullisGuard extends PortcullisGuard {
  protected override getRequest(context: ExecutionContext) {
    if (context.getType<GqlContextType>() !== 'graphql') return super.getRequest(context); // HTTP routes too
    return GqlExecutionContext.create(context).getContext().req;
  }
  protected override getResponse(context: ExecutionContext) {
    if (context.getType<GqlContextType>() !== 'graphql') return super.getResponse(context);
    return GqlExecutionContext.create(context).getContext().res;
  }
}
// PortcullisModule.forRoot({ ...options, globalGuard: false }) + { provide: APP_GUARD, useClass: GqlPortcullisGuard }
// readme-end
