/** Order JSON of the orders API (the fields the demo looks at; `internalNote`/`riskScore` for staff only). */
export interface OrderJson {
  readonly id: string;
  readonly orgId: string;
  readonly ownerId: string;
  readonly status: string;
  readonly totalCents: number;
  readonly internalNote?: string | null;
  readonly riskScore?: number | null;
}

/**
 * The order in an answer body, or `undefined` when the body is not one.
 *
 * @example
 * ```ts
 * const order = asOrder(answer.body);
 * ```
 */
export function asOrder(body: unknown): OrderJson | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const o = body as Record<string, unknown>;
  return typeof o['id'] === 'string' &&
    typeof o['ownerId'] === 'string' &&
    typeof o['orgId'] === 'string' &&
    typeof o['status'] === 'string'
    ? (o as unknown as OrderJson)
    : undefined;
}

/**
 * The orders of a `GET /orders` page (`{ data, nextCursor }`), or `undefined` when the body is
 * not one.
 *
 * @example
 * ```ts
 * const orders = asOrderPage(answer.body) ?? [];
 * ```
 */
export function asOrderPage(body: unknown): OrderJson[] | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const data = (body as Record<string, unknown>)['data'];
  if (!Array.isArray(data)) return undefined;
  const orders = data.map(asOrder);
  return orders.every((o) => o !== undefined) ? (orders as OrderJson[]) : undefined;
}

/** Whether an order carries the staff-only fields. */
export function hasInternalFields(order: OrderJson): boolean {
  return 'internalNote' in order || 'riskScore' in order;
}

/** The `code` of a Portcullis error body (`ERR_NOT_FOUND` …), if any. */
export function errorCode(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const code = (body as Record<string, unknown>)['code'];
  return typeof code === 'string' ? code : undefined;
}
