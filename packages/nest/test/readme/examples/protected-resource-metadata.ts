/**
 * "Protected-resource metadata (RFC 9728)" of packages/nest/README.md, as written.
 * Checked and run by ../readme-examples.spec.ts.
 */
import { Module } from '@nestjs/common';
import { createProtectedResourceMetadata, PortcullisModule } from '@portcullis/nest';

// readme: protected-resource-metadata
const metadata = createProtectedResourceMetadata({
  resource: 'https://api.example.com/orders', // this API's identifier: the `aud` its tokens carry
  authorizationServers: ['https://id.example.com/'],
  scopesSupported: ['orders:read', 'orders:write'],
  resourceName: 'Orders API',
});

@Module({
  imports: [
    PortcullisModule.forRoot({
      issuer: 'https://id.example.com/',
      audience: metadata.resource,
      jwksUri: 'https://id.example.com/.well-known/jwks.json',
      realm: 'orders',
      protectedResourceMetadata: metadata,
    }),
  ],
})
export class AppModule {}
// readme-end

/** The README's `metadata`, for the spec. */
export { metadata };
