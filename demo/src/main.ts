// `npm run demo`: the narrated walk through the reference stack. Reads AUTH_URL and API_URL
// (defaults: the addresses `npm start` uses), prints every request and answer, and exits 1 when
// any scenario does not behave as the contract says. `-- --only logout,bad-tokens` runs a subset.
import { createNarrator } from './narration/narrator.js';
import { runDemo } from './run-demo.js';
import { DEV_CLIENT_SECRETS } from './oauth/stack-clients.js';

const env = process.env;
const onlyIndex = process.argv.indexOf('--only');
const only = onlyIndex >= 0 ? (process.argv[onlyIndex + 1] ?? '').split(',').filter(Boolean) : undefined;
const narrator = createNarrator((line) => process.stdout.write(`${line}\n`), {
  color: process.stdout.isTTY === true && env['NO_COLOR'] === undefined,
});

try {
  const report = await runDemo({
    authUrl: env['AUTH_URL'] || 'http://127.0.0.1:4000',
    apiUrl: env['API_URL'] || 'http://127.0.0.1:3000',
    narrator,
    secrets: {
      // Same variable names as the auth server's; the DEV ONLY defaults match its defaults.
      ordersBackoffice: env['ORDERS_BACKOFFICE_CLIENT_SECRET'] || DEV_CLIENT_SECRETS.ordersBackoffice,
      fulfilmentService: env['FULFILMENT_SERVICE_CLIENT_SECRET'] || DEV_CLIENT_SECRETS.fulfilmentService,
    },
    ...(only ? { only } : {}),
  });
  process.exitCode = report.ok ? 0 : 1;
} catch (error) {
  process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
