// Process-level smoke test of the built API (run after `npm run build -w @portcullis/orders-api`):
// starts `node dist/main.js` with nothing but contract env variables — the local auth server may
// well be down — waits for its one "listening on <url>" line, checks GET /health and the 401
// challenge of GET /orders, then sends SIGTERM and expects a clean exit (code 0) within 15 s.
//
//   npx node apps/orders-api/scripts/smoke-start.mjs            # embedded PGlite in memory
//   DATABASE_URL=postgres://… npx node apps/orders-api/scripts/smoke-start.mjs
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const appDir = fileURLToPath(new URL('..', import.meta.url));

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function fail(message, child) {
  console.error(`smoke-start: FAIL: ${message}`);
  child?.kill('SIGKILL');
  process.exit(1);
}

const port = await freePort();
const env = { PATH: process.env.PATH, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: process.env.DATABASE_URL ?? 'memory://' };
for (const name of ['AUTH_ISSUER', 'AUTH_AUDIENCE', 'AUTH_JWKS_URI', 'REDIS_URL', 'RATE_LIMIT_PER_MINUTE', 'RATE_LIMIT_BURST', 'RATE_LIMIT_IP_BURST', 'LOG_LEVEL']) {
  if (process.env[name] !== undefined) env[name] = process.env[name];
}
const child = spawn(process.execPath, ['dist/main.js'], { cwd: appDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
let output = '';
child.stderr.on('data', (chunk) => (output += chunk));

const url = await new Promise((resolve) => {
  const timer = setTimeout(() => fail(`no "listening on" line within 60 s:\n${output}`, child), 60_000);
  let buffer = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
    buffer += chunk;
    let newline;
    while ((newline = buffer.indexOf('\n')) !== -1) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      try {
        const entry = JSON.parse(line);
        if (typeof entry.url === 'string' && String(entry.msg).includes('listening on')) {
          clearTimeout(timer);
          resolve(entry.url);
        }
      } catch {
        // not JSON
      }
    }
  });
  child.once('exit', (code, signal) => fail(`exited early (${code ?? signal}):\n${output}`));
});
if (url !== `http://127.0.0.1:${port}`) fail(`unexpected URL ${url}`, child);

const health = await fetch(`${url}/health`);
if (health.status !== 200) fail(`GET /health answered ${health.status}`, child);
console.log(`smoke-start: GET /health -> 200 ${JSON.stringify(await health.json())}`);
const orders = await fetch(`${url}/orders`);
const challenge = orders.headers.get('www-authenticate');
const METADATA_URL = 'https://api.portcullis.test/.well-known/oauth-protected-resource/orders';
if (orders.status !== 401 || challenge !== `Bearer realm="orders", resource_metadata="${METADATA_URL}"`) {
  fail(`GET /orders answered ${orders.status} (${challenge})`, child);
}
console.log(`smoke-start: GET /orders -> 401, WWW-Authenticate: ${challenge}`);
const metadata = await fetch(`${url}${new URL(METADATA_URL).pathname}`);
const metadataBody = await metadata.text();
if (metadata.status !== 200 || JSON.parse(metadataBody).resource !== 'https://api.portcullis.test/orders') {
  fail(`GET ${new URL(METADATA_URL).pathname} answered ${metadata.status} (${metadataBody})`, child);
}
console.log(`smoke-start: GET ${new URL(METADATA_URL).pathname} -> 200 ${metadataBody}`);

child.removeAllListeners('exit');
const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
const started = Date.now();
child.kill('SIGTERM');
const timeout = setTimeout(() => fail(`still running 15 s after SIGTERM:\n${output}`, child), 15_000);
const { code, signal } = await exited;
clearTimeout(timeout);
if (code !== 0) fail(`exit ${code ?? signal} after SIGTERM:\n${output}`);
console.log(`smoke-start: SIGTERM -> exit 0 after ${Date.now() - started} ms. OK (${url})`);
