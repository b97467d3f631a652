/**
 * Starts one of the SPEC targets (a)–(c) and wraps it in a {@link TargetHandle}: spies for
 * "nothing downstream ran", the captured audit events and logger lines, and a revocation store
 * with a fault switch.
 */
import { InMemoryRevocationStore } from '@portcullis/core';
import type { AuditEvent, Portcullis, RemoteJwksOptions } from '@portcullis/core';
import { PORTCULLIS } from '@portcullis/nest';
import { startExpressSpecApp } from './express-spec-app.js';
import { FaultyRevocationStore } from './faulty-revocation-store.js';
import { safeText, startNestSpecApp } from './nest-spec-app.js';
import type { KeySourceOptions } from './spec-options.js';
import type { SpecStore } from './spec-store.js';
import type { SpecTargetName, TargetHandle } from './target-handle.js';

/** A started SPEC target. */
export interface SpecTarget extends TargetHandle {
  readonly name: SpecTargetName;
  readonly store: SpecStore;
  /** The revocation store inside the target, with its fault switch. */
  readonly revocationStore: FaultyRevocationStore;
}

/** Options of {@link startSpecTarget}. */
export interface SpecTargetStartOptions {
  readonly keySource: KeySourceOptions;
  readonly remoteJwks?: RemoteJwksOptions;
}

/** Starts target (a) `nest-express`, (b) `nest-fastify` or (c) `express` on 127.0.0.1:0. */
export async function startSpecTarget(name: SpecTargetName, options: SpecTargetStartOptions): Promise<SpecTarget> {
  const now = options.keySource.now ?? Date.now;
  const revocationStore = new FaultyRevocationStore(new InMemoryRevocationStore({ now, leeway: 120 }));
  const audit: AuditEvent[] = [];
  const common = {
    keySource: options.keySource,
    revocation: revocationStore,
    audit: (event: AuditEvent) => void audit.push(event),
    ...(options.remoteJwks ? { remoteJwks: options.remoteJwks } : {}),
  };
  let url: string;
  let store: SpecStore;
  let logLines: () => string;
  let close: () => Promise<void>;
  let instance: Portcullis;
  if (name === 'express') {
    const app = await startExpressSpecApp(common);
    ({ url, store, close } = app);
    instance = app.portcullis;
    logLines = () => app.appErrors.join('\n');
  } else {
    const app = await startNestSpecApp(name === 'nest-express' ? 'express' : 'fastify', common);
    ({ url, store, close } = app);
    instance = app.app.get<Portcullis>(PORTCULLIS, { strict: false });
    logLines = () => app.logger.lines.join('\n');
  }
  const nowSeconds = () => Math.floor(now() / 1000);
  return {
    name,
    url,
    store,
    revocationStore,
    snapshot: async () => ({ kind: 'spy', counters: store.counters() }),
    logText: () => `${logLines()}\n${audit.map(safeText).join('\n')}`,
    auditEvents: () => audit,
    revocation: {
      async revokeToken(_token, claims) {
        await revocationStore.revokeToken(claims.jti, claims.exp);
      },
      async revokeSubject(sub) {
        await revocationStore.revokeSubject(sub, nowSeconds(), nowSeconds() + 86_400);
      },
    },
    reloadKeys: () => instance.verifier.reloadKeys(),
    close,
  };
}
