import { randomUUID } from 'node:crypto';
import type { TestIssuer, TokenClaims, TokenOptions } from '@portcullis/testing';
import type { CaseContext } from '../corpus/types.js';
import { PRINCIPALS } from '../corpus/world.js';
import type { PrincipalName, World } from '../corpus/world.js';
import type { TargetHandle } from '../targets/target-handle.js';
import type { AttackerListener } from './attacker-listener.js';

/** A case context plus the secrets registered while building and running the case. */
export interface RunnerContext extends CaseContext {
  readonly secrets: ReadonlySet<string>;
}

/** Options of {@link createCaseContext}. */
export interface ContextOptions {
  readonly target: TargetHandle;
  readonly world: World;
  readonly issuer: TestIssuer;
  readonly attacker: AttackerListener;
  readonly rateLimited?: { readonly url: string; readonly burst: number };
}

/** Builds the context one case runs with on one target. */
export function createCaseContext(options: ContextOptions): RunnerContext {
  const { issuer } = options;
  const secrets = new Set<string>();
  const secret = <T extends string>(value: T): T => {
    secrets.add(value);
    return value;
  };
  const nowSeconds = () => Math.floor(issuer.clock.now() / 1000);
  return {
    target: options.target.name,
    world: options.world,
    issuer,
    secrets,
    nowSeconds,
    claims(principal: PrincipalName, overrides: TokenClaims = {}) {
      const now = nowSeconds();
      const merged: Record<string, unknown> = {
        iss: issuer.issuer,
        aud: issuer.audience,
        iat: now,
        exp: now + 300,
        jti: randomUUID(),
        ...PRINCIPALS[principal],
        ...overrides,
      };
      for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
      return merged;
    },
    async token(principal: PrincipalName, overrides: TokenClaims = {}, tokenOptions?: TokenOptions) {
      return secret(await issuer.token({ ...PRINCIPALS[principal], ...overrides }, tokenOptions));
    },
    secret,
    revocation: options.target.revocation,
    attacker: options.attacker,
    jwksFetches: () => issuer.jwksServer.fetchCount,
    ...(options.rateLimited ? { rateLimited: options.rateLimited } : {}),
  };
}
