import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Policy, PortcullisError, Scopes } from '@portcullis/nest';
import { machineClient, SCOPES } from '../auth/order-rules.js';
import { ApiError } from '../http/api-error.js';
import { ErrorDto } from '../openapi/error.dto.js';
import { OrderDto } from './order.dto.js';
import type { Order } from './order.js';
import { isOrderId } from './order-id.js';
import { serializeOrder } from './order.serializer.js';
import type { OrderJson } from './order.serializer.js';
import { OrdersRepository } from './orders.repository.js';

/**
 * Routes for the fulfilment service: machine clients with `orders:fulfil` (client-credentials
 * tokens), across organisations. They see the standard order JSON, never the internal fields.
 */
@ApiTags('internal')
@Controller('internal/orders')
@Scopes(SCOPES.fulfil)
@Policy(machineClient, { name: 'machine-client' })
export class InternalOrdersController {
  constructor(private readonly orders: OrdersRepository) {}

  @Get(':id')
  @ApiOperation({ summary: 'Get an order (fulfilment service)', description: 'Requires scope `orders:fulfil` on a client-credentials token.' })
  @ApiParam({ name: 'id' })
  @ApiOkResponse({ type: OrderDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  async get(@Param('id') id: string): Promise<OrderJson> {
    return serializeOrder(await this.load(id), 'standard');
  }

  @Post(':id/fulfil')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark a pending order fulfilled', description: 'Requires scope `orders:fulfil` on a client-credentials token. 409 unless pending.' })
  @ApiParam({ name: 'id' })
  @ApiOkResponse({ type: OrderDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  @ApiConflictResponse({ type: ErrorDto })
  async fulfil(@Param('id') id: string): Promise<OrderJson> {
    if (!isOrderId(id)) throw new PortcullisError('ERR_NOT_FOUND');
    const result = await this.orders.fulfil(id);
    if (result.outcome === 'not-found') throw new PortcullisError('ERR_NOT_FOUND');
    if (result.outcome === 'conflict') throw new ApiError(409, 'ERR_CONFLICT', 'Only a pending order can be fulfilled');
    return serializeOrder(result.order, 'standard');
  }

  private async load(id: string): Promise<Order> {
    const order = isOrderId(id) ? await this.orders.findById(id) : undefined;
    if (!order) throw new PortcullisError('ERR_NOT_FOUND');
    return order;
  }
}
