import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** One validation problem (OpenAPI). */
export class ValidationIssueDto {
  @ApiProperty({ example: 'items[0].qty' })
  path!: string;

  @ApiProperty({ example: 'Too small: expected number to be >=1' })
  message!: string;
}

/** Body of every error answer (OpenAPI). */
export class ErrorDto {
  @ApiProperty({ example: 404 })
  statusCode!: number;

  @ApiProperty({ example: 'not_found', description: 'RFC 6750 error or a snake-case status name' })
  error!: string;

  @ApiProperty({ example: 'ERR_NOT_FOUND', description: 'Stable machine-readable code' })
  code!: string;

  @ApiProperty({ example: 'Not found', description: 'Fixed, generic description' })
  message!: string;

  @ApiPropertyOptional({ type: [ValidationIssueDto] })
  issues?: ValidationIssueDto[];
}
