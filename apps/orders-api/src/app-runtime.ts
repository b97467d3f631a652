import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Clock } from './auth/auth.constants.js';
import type { KeySource } from './auth/resolve-key-source.js';
import type { AppConfig } from './config/app-config.js';
import type { OpenDatabase } from './database/open-database.js';
import type { OrgScopedRevocationStore } from './revocation/org-scoped-revocation-store.js';

/** Everything the Nest module graph is built from: config plus the resources opened before it. */
export interface AppRuntime {
  readonly config: AppConfig;
  readonly database: OpenDatabase;
  /** Whether the app closes the database when it stops (false when the embedder passed it in). */
  readonly ownsDatabase: boolean;
  readonly redis: Redis | undefined;
  /** Subject revocations are per organisation (an admin reaches only their own org's tokens). */
  readonly revocation: OrgScopedRevocationStore;
  readonly keySource: KeySource;
  readonly logger: Logger;
  readonly clock: Clock;
}
