import { createApp } from './app.js';
import { AUTHORIZATION } from './authorization.js';

// Configuration from the environment lives in the application, never in the library.
const { ISSUER, AUDIENCE, JWKS_URI, PORT = '3000' } = process.env;
if (!ISSUER || !AUDIENCE || !JWKS_URI) throw new Error('set ISSUER, AUDIENCE and JWKS_URI');

createApp({ ...AUTHORIZATION, issuer: ISSUER, audience: AUDIENCE, jwksUri: JWKS_URI }).listen(
  Number(PORT),
  '127.0.0.1',
);
