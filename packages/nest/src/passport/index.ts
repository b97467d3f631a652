// @portcullis/nest/passport — the @nestjs/passport integration (needs @nestjs/passport and passport).
export { PortcullisStrategy, PortcullisPassportStrategy } from './portcullis.strategy.js';
export type { PortcullisVerify } from './portcullis.strategy.js';
export { PortcullisAuthGuard } from './portcullis-auth.guard.js';
