/**
 * The SPEC.md B corpus as data: exactly one entry per case number 1–183, in order. Checked at
 * import time, so a missing or duplicated case fails every run rather than silently shrinking it.
 */
import { B1 } from './b01-transport.js';
import { B2 } from './b02-format.js';
import { B3 } from './b03-signature.js';
import { B4 } from './b04-keys.js';
import { B5 } from './b05-claims.js';
import { B6 } from './b06-type-confusion.js';
import { B7 } from './b07-resources.js';
import { B8 } from './b08-authorization.js';
import { B9 } from './b09-revocation.js';
import { B10, B11, B12, B13 } from './b10-b13.js';
import type { CorpusCase } from './types.js';
import type { TargetName } from '../targets/target-handle.js';

/** Number of cases in SPEC.md section B. */
export const SPEC_CASE_COUNT = 183;

export const CORPUS: readonly CorpusCase[] = [...B1, ...B2, ...B3, ...B4, ...B5, ...B6, ...B7, ...B8, ...B9, ...B10, ...B11, ...B12, ...B13];

{
  const ids = CORPUS.map((c) => c.id);
  const expected = Array.from({ length: SPEC_CASE_COUNT }, (_, i) => i + 1);
  if (ids.length !== SPEC_CASE_COUNT || ids.some((id, i) => id !== expected[i])) {
    throw new Error(`corpus must hold cases 1–${SPEC_CASE_COUNT} once each, in order (got ${ids.length} entries)`);
  }
  for (const c of CORPUS) {
    const runner = c.runner ?? 'http';
    if (c.pending === undefined && runner === 'http' && c.build === undefined) throw new Error(`case ${c.id} has no factory`);
  }
}

/** Why a case does not run on a target, or `undefined` when it runs. */
export function pendingReason(c: CorpusCase, target: TargetName): string | undefined {
  return c.pending ?? c.targets?.[target]?.pending;
}

export type { CorpusCase } from './types.js';
