import { redactJson } from './redact.js';

/** Longest body excerpt printed for one request or answer, in characters. */
export const MAX_BODY_CHARS = 360;

/**
 * A short, safe description of an HTTP body for the narration: JSON with tokens fingerprinted
 * and orders reduced to their key fields, the title and forms of an HTML page, or the start of
 * any other text. `undefined` for an empty body.
 *
 * @example
 * ```ts
 * summariseBody('application/json', '{"data":[…],"nextCursor":null}');
 * // '{"data":[{"id":"ord_…","ownerId":"alice","orgId":"acme","status":"pending","totalCents":2598}],"nextCursor":null}'
 * ```
 */
export function summariseBody(contentType: string | null, text: string): string | undefined {
  if (text.length === 0) return undefined;
  const type = (contentType ?? '').toLowerCase();
  if (type.includes('json')) {
    try {
      return cut(JSON.stringify(compactMetadata(compactOrders(redactJson(JSON.parse(text))))));
    } catch {
      return cut(text);
    }
  }
  if (type.includes('html')) return describeHtml(text);
  return cut(text.replace(/\s+/g, ' '));
}

function cut(text: string): string {
  return text.length > MAX_BODY_CHARS ? `${text.slice(0, MAX_BODY_CHARS)}…` : text;
}

/** Orders keep the fields the scenarios are about; internal fields only show that they are there. */
function compactOrders(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(compactOrders);
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  if (typeof record['id'] === 'string' && record['id'].startsWith('ord_') && 'ownerId' in record) {
    const compact: Record<string, unknown> = {
      id: record['id'],
      ownerId: record['ownerId'],
      orgId: record['orgId'],
      status: record['status'],
      totalCents: record['totalCents'],
    };
    if ('riskScore' in record) compact['riskScore'] = record['riskScore'];
    if ('internalNote' in record) compact['internalNote'] = record['internalNote'] === null ? null : '…';
    return compact;
  }
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, compactOrders(v)]));
}

/** Authorization server metadata (discovery) is long: keep the fields the demo relies on. */
function compactMetadata(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || !('issuer' in value) || !('token_endpoint' in value)) return value;
  const m = value as Record<string, unknown>;
  const keep = [
    'issuer',
    'authorization_endpoint',
    'token_endpoint',
    'jwks_uri',
    'code_challenge_methods_supported',
    'grant_types_supported',
  ];
  return {
    ...Object.fromEntries(keep.filter((k) => k in m).map((k) => [k, m[k]])),
    '…': `${Object.keys(m).length - keep.length} more`,
  };
}

function describeHtml(page: string): string {
  const title = /<title>([^<]{0,80})<\/title>/i.exec(page)?.[1]?.trim();
  const forms = [...page.matchAll(/<form[^>]*action="([^"]{1,200})"/gi)].map((m) =>
    m[1]!.replace(/\/interaction\/[^/]+/, '/interaction/…'),
  );
  const formText = forms.length === 0 ? '' : `, forms → ${forms.join(', ')}`;
  return `‹HTML page${title === undefined ? '' : ` "${title}"`}${formText}›`;
}
