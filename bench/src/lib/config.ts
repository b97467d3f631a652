/** Sizes and durations of one run. `--quick` is a smoke run (~1 min); the full run stays under ~8 min on 2 cores. */
export interface RunConfig {
  readonly mode: 'full' | 'quick';
  /** Distinct tokens minted per algorithm (RS256, ES256, EdDSA). */
  readonly poolSize: number;
  /** Portcullis' verified-token cache in first-sight rows: below the pool size, so every request misses. */
  readonly missCacheEntries: number;
  readonly micro: { readonly warmupMs: number; readonly rounds: number; readonly sliceMs: number };
  readonly http: {
    readonly connections: number;
    /** Rounds over all servers, each in a rotated order. */
    readonly rounds: number;
    /** Seconds of load per measurement. */
    readonly durationS: number;
    /** Seconds of unmeasured load before each measurement (first round / later rounds). */
    readonly warmupFirstS: number;
    readonly warmupS: number;
    /**
     * The fixed-rate pass: every server of a platform at one request rate, `share` × the slowest
     * row of that platform (saturated medians), so CPU per response shows what each layer adds
     * per request without a saturated event loop's batching.
     */
    readonly fixedRate: {
      readonly share: number;
      readonly warmupS: number;
      readonly durationS: number;
      /** Passes over every server, each in a rotated order; medians are reported. */
      readonly rounds: number;
    };
  };
  readonly scale: {
    readonly stampedeCallers: number;
    readonly revokedJtis: number;
    /** Users (one token each) and requests of the Zipf-distributed cache-mix run. */
    readonly mixUsers: number;
    readonly mixRequests: number;
  };
}

export function runConfig(quick: boolean): RunConfig {
  return quick
    ? {
        mode: 'quick',
        poolSize: 2_000,
        missCacheEntries: 1_000,
        micro: { warmupMs: 60, rounds: 3, sliceMs: 60 },
        http: {
          connections: 50,
          rounds: 1,
          durationS: 0.5,
          warmupFirstS: 0.25,
          warmupS: 0.25,
          fixedRate: { share: 0.5, warmupS: 0.25, durationS: 0.75, rounds: 1 },
        },
        scale: { stampedeCallers: 1_000, revokedJtis: 200_000, mixUsers: 2_000, mixRequests: 20_000 },
      }
    : {
        mode: 'full',
        poolSize: 10_000,
        missCacheEntries: 1_000,
        micro: { warmupMs: 300, rounds: 5, sliceMs: 250 },
        http: {
          connections: 50,
          rounds: 6,
          durationS: 1,
          warmupFirstS: 1,
          warmupS: 0.25,
          fixedRate: { share: 0.5, warmupS: 1, durationS: 3, rounds: 3 },
        },
        scale: { stampedeCallers: 1_000, revokedJtis: 1_000_000, mixUsers: 20_000, mixRequests: 200_000 },
      };
}
