import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ORDER_STATUSES } from '../database/database-schema.js';
import { ORDER_LIMITS } from './create-order.body.js';

// OpenAPI descriptions of the JSON this API answers. Validation is done by the zod schemas
// (create-order.body.ts, list-orders.query.ts); these classes only document.

/** One order line (OpenAPI). */
export class OrderItemDto {
  @ApiProperty({ example: 'BOOK-001', pattern: ORDER_LIMITS.skuPattern.source })
  sku!: string;

  @ApiProperty({ example: 2, minimum: 1, maximum: ORDER_LIMITS.maxQty })
  qty!: number;

  @ApiProperty({ example: 1299, minimum: 0, maximum: ORDER_LIMITS.maxPriceCents, description: 'Unit price in cents' })
  priceCents!: number;
}

/** An order as customers and machine clients see it (OpenAPI). */
export class OrderDto {
  @ApiProperty({ example: 'ord_3q2-7wEjRZ0Dbo5lT7uFvA', pattern: '^ord_[A-Za-z0-9_-]{22}$' })
  id!: string;

  @ApiProperty({ example: 'acme', description: 'Organisation, from the creator\'s `org_id` claim' })
  orgId!: string;

  @ApiProperty({ example: 'alice', description: 'Owner, from the creator\'s `sub` claim' })
  ownerId!: string;

  @ApiProperty({ type: [OrderItemDto] })
  items!: OrderItemDto[];

  @ApiProperty({ example: 2598 })
  totalCents!: number;

  @ApiProperty({ enum: ORDER_STATUSES, example: 'pending' })
  status!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'Only present for `support` and `admin` users',
    example: 'Two chargebacks in 2025; verify address',
  })
  internalNote?: string | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 0, maximum: 100, description: 'Only present for `support` and `admin` users' })
  riskScore?: number | null;
}

/** One page of `GET /orders` (OpenAPI). */
export class OrderPageDto {
  @ApiProperty({ type: [OrderDto] })
  data!: OrderDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` to get the next page; `null` on the last page' })
  nextCursor!: string | null;
}

/** Body of `POST /orders` (OpenAPI). */
export class CreateOrderDto {
  @ApiProperty({ type: [OrderItemDto], minItems: 1, maxItems: ORDER_LIMITS.maxItems })
  items!: OrderItemDto[];
}
