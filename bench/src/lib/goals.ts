import type { HttpResult } from '../http/run-http.js';
import { PLATFORM_LABELS } from '../http/variants.js';
import type { Platform } from '../http/variants.js';
import type { MicroResult } from '../micro/run-micro.js';
import type { ScaleResult } from '../scale/run-scale.js';
import type { GoalResult } from './results.js';
import { formatNumber, formatRatio } from './stats.js';

const PLATFORMS: readonly Platform[] = ['express', 'nest-express', 'nest-fastify'];

function httpRow(
  http: HttpResult | undefined,
  platform: Platform,
  kind: 'portcullis',
  scenario: 'repeated' | 'distinct',
) {
  return http?.rows.find((r) => r.platform === platform && r.kind === kind && !r.extra && r.scenario === scenario);
}

/**
 * The goals of issue 9, evaluated on this run's numbers. Nothing here asserts: the script prints
 * ✓/✗ and the report shows them (speed goals never live in a test).
 */
export function evaluateGoals(
  micro: MicroResult | undefined,
  http: HttpResult | undefined,
  scale: ScaleResult | undefined,
  poolSize: number,
): GoalResult[] {
  const goals: GoalResult[] = [];

  for (const platform of PLATFORMS) {
    const row = httpRow(http, platform, 'portcullis', 'repeated');
    goals.push({
      id: `repeated-ratio-${platform}`,
      goal: `Repeated token, ${PLATFORM_LABELS[platform]}: guarded ÷ bare`,
      target: '≥ 0.95',
      measured:
        row === undefined ? 'not measured' : `${formatRatio(row.ratio)} (CPU-based ${formatRatio(row.cpuRatio)})`,
      met: row === undefined ? null : row.ratio >= 0.95,
    });
  }
  for (const platform of PLATFORMS) {
    const row = httpRow(http, platform, 'portcullis', 'repeated');
    const alternatives =
      http?.rows.filter((r) => r.platform === platform && r.kind === 'alternative' && r.scenario === 'repeated') ?? [];
    if (alternatives.length === 0) continue;
    const best = alternatives.reduce((a, b) => (b.ratio > a.ratio ? b : a));
    goals.push({
      id: `beats-alternatives-${platform}`,
      goal: `Repeated token, ${PLATFORM_LABELS[platform]}: better ratio than every alternative`,
      target: `> ${best.label} (${formatRatio(best.ratio)}; CPU-based ${formatRatio(best.cpuRatio)})`,
      measured:
        row === undefined ? 'not measured' : `${formatRatio(row.ratio)} (CPU-based ${formatRatio(row.cpuRatio)})`,
      met: row === undefined ? null : row.ratio > best.ratio,
    });
  }

  const timing = (name: string, alg: string) => micro?.timings.find((t) => t.name === name && t.alg === alg);
  const floor = timing('node:crypto floor', 'RS256');
  const miss = timing('Portcullis, first sight (cache miss)', 'RS256');
  const fastJwt = timing('fast-jwt, uncached', 'RS256');
  const haveMicro =
    floor !== undefined && miss !== undefined && Number.isFinite(miss.opsPerSec) && miss.problem === undefined;
  goals.push({
    id: 'first-sight-rs256-floor',
    goal: 'First-sight RS256 with every RFC 9068 check ÷ node:crypto floor (micro)',
    target: '≥ 0.85',
    measured: haveMicro
      ? `${formatRatio(miss.opsPerSec / floor.opsPerSec)} (${formatNumber(miss.opsPerSec)} vs ${formatNumber(floor.opsPerSec)} ops/s)`
      : 'not measured',
    met: haveMicro ? miss.opsPerSec >= 0.85 * floor.opsPerSec : null,
  });
  goals.push({
    id: 'first-sight-rs256-fast-jwt',
    goal: 'First-sight RS256: at least as fast as fast-jwt uncached (micro)',
    target: fastJwt === undefined ? '≥ fast-jwt' : `≥ ${formatNumber(fastJwt.opsPerSec)} ops/s`,
    measured: haveMicro ? `${formatNumber(miss.opsPerSec)} ops/s` : 'not measured',
    met: haveMicro && fastJwt !== undefined ? miss.opsPerSec >= fastJwt.opsPerSec : null,
  });

  const distinct = httpRow(http, 'nest-fastify', 'portcullis', 'distinct');
  // With a bare rate B and a signature floor F (ops/s), a guard that did nothing but the signature
  // would reach 1 / (1 + B / F).
  const bareFastify = http?.rows.find((r) => r.platform === 'nest-fastify' && r.kind === 'bare');
  const signatureCap =
    bareFastify === undefined || floor === undefined ? Number.NaN : 1 / (1 + bareFastify.rps / floor.opsPerSec);
  goals.push({
    id: 'distinct-ratio-nest-fastify',
    goal: `${formatNumber(poolSize)} distinct tokens, ${PLATFORM_LABELS['nest-fastify']}: guarded ÷ bare`,
    target: '≥ 0.55',
    measured:
      distinct === undefined
        ? 'not measured'
        : `${formatRatio(distinct.ratio)} (CPU-based ${formatRatio(distinct.cpuRatio)}; the signature alone caps it at ${formatRatio(signatureCap)})`,
    met: distinct === undefined ? null : distinct.ratio >= 0.55,
  });

  const bursts =
    scale?.stampede.filter(
      (r) => r.library === 'Portcullis' && r.case !== 'cold start: no key set yet, valid tokens',
    ) ?? [];
  const maxFetches = Math.max(...bursts.map((r) => r.fetches));
  goals.push({
    id: 'jwks-stampede',
    goal: `${formatNumber(bursts[0]?.callers ?? 1000)} concurrent unknown-kid verifications: key-set fetches per burst`,
    target: '≤ 1',
    measured: bursts.length === 0 ? 'not measured' : `${maxFetches} (worst of ${bursts.length} bursts)`,
    met: bursts.length === 0 ? null : maxFetches <= 1,
  });

  const revocation = scale?.revocation;
  const versus = scale?.revocationVersusMap;
  goals.push({
    id: 'revocation-memory',
    goal: `${formatNumber(revocation?.entries ?? 1_000_000)} revoked jtis in InMemoryRevocationStore: resident memory`,
    target: '≤ 150 MiB',
    measured:
      revocation === undefined
        ? 'not measured'
        : `${formatNumber(revocation.storeResidentMiB, 1)} MiB (RSS delta ${formatNumber(revocation.rssDeltaMiB, 1)} incl. ${formatNumber(revocation.youngGenerationDeltaMiB, 1)} MiB young generation)`,
    met: revocation === undefined ? null : revocation.storeResidentMiB <= 150,
  });
  goals.push({
    id: 'revocation-lookup',
    goal: 'Revocation lookup stays constant-time: isRevoked at the largest size (O(1) Map; budget 1 µs, ~1 % of a request)',
    target: '≤ 1,000 ns',
    measured:
      versus === undefined || revocation === undefined
        ? 'not measured'
        : `${formatNumber(versus.store.hitNs)} / ${formatNumber(versus.store.missNs)} ns (revoked / not) at ${formatNumber(versus.entries)}, plain Map.get on the same keys ${formatNumber(versus.plainMap.hitNs)} / ${formatNumber(versus.plainMap.missNs)} ns; ` +
          `by size: ${revocation.lookups.map((l) => `${formatNumber(l.missNs)} ns at ${formatNumber(l.size)}`).join(', ')}`,
    met: versus === undefined ? null : Math.max(versus.store.hitNs, versus.store.missNs) <= 1000,
  });
  return goals;
}

export function goalLine(goal: GoalResult): string {
  const mark = goal.met === null ? '–' : goal.met ? '✓' : '✗';
  return `${mark} ${goal.goal}: ${goal.measured} (target ${goal.target})`;
}
