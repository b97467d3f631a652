import { Controller, Get } from '@nestjs/common';
import { Public } from '@portcullis/nest';

@Controller('health')
export class HealthController {
  @Get()
  @Public()
  health(): { ok: true } {
    return { ok: true };
  }
}
