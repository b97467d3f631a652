// `npm start`: builds what is needed, starts the reference auth server and the orders API on
// embedded defaults (PGlite on disk, in-memory revocation and rate limits), prints the URLs and
// how to get a token, and stops both cleanly on Ctrl-C / SIGTERM.
// `npm run start:api` (`--api-only`) starts the orders API alone, configured only by its env.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const apiOnly = process.argv.includes('--api-only');
const node = process.execPath;

const AUTH_PORT = process.env.AUTH_PORT ?? '4000';
const API_PORT = process.env.PORT ?? '3000';
const HOST = '127.0.0.1';
const issuer = process.env.AUTH_ISSUER ?? `http://${HOST}:${AUTH_PORT}`;

function build() {
  const projects = apiOnly ? '@portcullis/orders-api' : '@portcullis/auth-server,@portcullis/orders-api';
  console.log(`[stack] building ${projects} …`);
  const r = spawnSync('nx', ['run-many', '-t', 'build', '-p', projects, '--outputStyle=static'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
  });
  if (r.status !== 0) {
    console.error('[stack] build failed; run `npm run build` to see why');
    process.exit(1);
  }
}

const children = [];
function start(name, script, env) {
  const child = spawn(node, [script], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env } });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`[stack] ${name} exited (${signal ?? code}); stopping the stack`);
      stop(1);
    }
  });
  children.push({ name, child });
  return child;
}

async function waitFor(url, name, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} did not become ready at ${url} within ${timeoutMs / 1000}s`);
}

let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  console.log('\n[stack] stopping …');
  await Promise.all(
    children.map(
      ({ child }) =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
          child.once('exit', () => {
            clearTimeout(t);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

build();
if (!apiOnly) {
  start('auth-server', 'apps/auth-server/dist/main.js', { PORT: AUTH_PORT, HOST });
  await waitFor(`${issuer}/.well-known/openid-configuration`, 'auth server');
}
start('orders-api', 'apps/orders-api/dist/main.js', { PORT: API_PORT, HOST, AUTH_ISSUER: issuer });
await waitFor(`http://${HOST}:${API_PORT}/health`, 'orders API');

const api = `http://${HOST}:${API_PORT}`;
console.log(`
[stack] ready
  auth server  ${issuer}   (discovery: ${issuer}/.well-known/openid-configuration)
  orders API   ${api}      (OpenAPI UI: ${api}/docs)

Get a service token (client credentials, DEV ONLY secret) and call the API:
  TOKEN=$(curl -s -u fulfilment-service:dev-only-fulfilment-service-secret \\
    -d grant_type=client_credentials -d scope=orders:fulfil \\
    -d resource=https://api.portcullis.test/orders ${issuer}/token | npx node -p 'JSON.parse(require("fs").readFileSync(0)).access_token')
  curl -i -H "Authorization: Bearer $TOKEN" ${api}/internal/orders/<id>
  curl -i ${api}/orders        # 401 with WWW-Authenticate: Bearer realm=…

Users alice, bob, carol, sam, ada log in (password "password", DEV ONLY) through authorization code + PKCE;
\`npm run demo\` walks through every scenario. Ctrl-C stops both servers.
`);
