import type { Portcullis } from '@portcullis/core';

/** Whether a value is a `Portcullis` instance (from `createPortcullis`) rather than options. */
export function isPortcullisInstance(value: unknown): value is Portcullis {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v['authenticate'] === 'function' &&
    typeof v['decide'] === 'function' &&
    typeof v['auditDecision'] === 'function' &&
    typeof v['toHttpResponse'] === 'function'
  );
}
