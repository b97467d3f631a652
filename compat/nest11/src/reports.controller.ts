import { Controller, Get } from '@nestjs/common';
import { Public, Scopes } from '@portcullis/nest';

/** A second controller for the OpenAPI check with the OAuth2 scheme (documentation lives on classes). */
@Controller('reports')
export class ReportsController {
  @Get('status')
  @Public()
  status(): { ok: true } {
    return { ok: true };
  }

  @Get()
  @Scopes('reports:read', 'reports:list')
  list(): { reports: string[] } {
    return { reports: ['q1'] };
  }
}
