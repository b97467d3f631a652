// NestJS 11 compatibility check. @portcullis/nest's peer range admits NestJS 11 and 12; the
// workspace tests 12. This installs the packed @portcullis/core, nest and testing tarballs with
// NestJS 11 (and @nestjs/passport 11) in a fresh directory OUTSIDE the workspace — its own
// node_modules, no lockfile, nothing resolved from the workspace — checks that every @nestjs
// package is a single 11.x copy, then runs this fixture's `npm test`: tsc over src and test against
// the Nest 11 types, Jest in native ESM (e2e over real HTTP on 127.0.0.1, test/*.e2e.spec.ts), then
// a CommonJS Nest 11 app that require()s the ESM packages (cjs/cjs-app.cts).
// Modelled on examples/nest-orders-testing/run.mjs.
//
// Run from the workspace root with the pinned Node on PATH:
//   npm run compat:nest11 [-- --keep] [-- --skip-build]
//     --keep        keep the temporary directory (printed) after the run
//     --skip-build  use the packages' current dist/ (they must be built, e.g. right after `npm run example:nest`)
//     --also-node <path>  run the built tests once more on that Node binary (CI: the system Node 20, the engines floor)
// Exit code: 0 when the fixture's tests pass on NestJS 11.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: flags } = parseArgs({
  options: {
    keep: { type: 'boolean', default: false },
    'skip-build': { type: 'boolean', default: false },
    'also-node': { type: 'string' },
  },
});

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const tarballs = join(here, '.tarballs');
const BUILD = ['@portcullis/core', '@portcullis/nest', '@portcullis/express', '@portcullis/testing']; // in dependency order
const PACK = ['@portcullis/core', '@portcullis/nest', '@portcullis/testing'];
const NEST = ['@nestjs/common', '@nestjs/core', '@nestjs/platform-express', '@nestjs/testing', '@nestjs/passport'];
const started = Date.now();

const log = (message) => console.log(`[compat:nest11 +${Math.round((Date.now() - started) / 1000)}s] ${message}`);

/** The environment of nested npm commands: the caller's, minus settings of the root npm script (workspace, prefix …). */
function childEnv() {
  const keep = new Set([
    'npm_config_cache',
    'npm_config_registry',
    'npm_config_userconfig',
    'npm_config_offline',
    'npm_config_prefer_offline',
  ]);
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('npm_') || keep.has(key)));
}

function run(command, args, cwd) {
  log(`${relative(root, cwd) || '.'}$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd, stdio: 'inherit', env: childEnv() });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed with exit code ${result.status}`);
}

function fail(message) {
  throw new Error(`[compat:nest11] FAILED: ${message}`);
}

/** Every installed copy of `name` under `dir`/node_modules, nested ones included: [path, version][]. */
function copiesOf(name, dir) {
  const found = [];
  const visit = (modules) => {
    if (!existsSync(modules)) return;
    const own = join(modules, name, 'package.json');
    if (existsSync(own)) found.push([relative(dir, dirname(own)), JSON.parse(readFileSync(own, 'utf8')).version]);
    for (const entry of readdirSync(modules)) {
      if (entry.startsWith('.')) continue;
      const packages = entry.startsWith('@') ? readdirSync(join(modules, entry)).map((p) => join(entry, p)) : [entry];
      for (const p of packages) visit(join(modules, p, 'node_modules'));
    }
  };
  visit(join(dir, 'node_modules'));
  return found;
}

const nodeVersion = spawnSync('node', ['-v'], { encoding: 'utf8', env: childEnv() }).stdout.trim();
log(`node on PATH: ${nodeVersion} (this script: ${process.version})`);

// 1. Build and pack.
if (!flags['skip-build']) for (const name of BUILD) run('npm', ['run', 'build', '-w', name], root);
rmSync(tarballs, { recursive: true, force: true });
mkdirSync(tarballs, { recursive: true });
run('npm', ['pack', '--silent', ...PACK.flatMap((name) => ['-w', name]), '--pack-destination', tarballs], root);
const packed = readdirSync(tarballs).sort();
log(`tarballs: ${packed.join(', ')}`);
for (const name of PACK) {
  const version = JSON.parse(readFileSync(join(root, 'packages', name.split('/')[1], 'package.json'), 'utf8')).version;
  const file = `${name.slice(1).replace('/', '-')}-${version}.tgz`;
  if (!packed.includes(file)) fail(`expected ${file} in ${tarballs} (package.json points at file:.tarballs/${file})`);
}

// 2. A fresh project directory outside the workspace.
const work = mkdtempSync(join(tmpdir(), 'portcullis-nest11-'));
let ok = false;
try {
  cpSync(here, work, {
    recursive: true,
    filter: (source) => !relative(here, source).split(sep).includes('node_modules'),
  });
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], work);

  // 3. Real installed copies from the tarballs, and exactly one NestJS 11 copy of each @nestjs package.
  for (const name of PACK) {
    const dir = join(work, 'node_modules', name);
    if (!existsSync(dir)) fail(`${name} is not installed`);
    if (lstatSync(dir).isSymbolicLink()) fail(`${name} is a link (${realpathSync(dir)}), not an installed package`);
    if (!realpathSync(dir).startsWith(realpathSync(work) + sep)) fail(`${name} resolves outside the fixture`);
  }
  for (const name of [...PACK, ...NEST]) {
    const copies = copiesOf(name, work);
    if (copies.length !== 1) fail(`${name}: expected one installed copy, found ${JSON.stringify(copies)}`);
    if (NEST.includes(name) && !copies[0][1].startsWith('11.')) fail(`${name} is ${copies[0][1]}, not NestJS 11`);
  }
  log(`installed: ${NEST.map((name) => `${name}@${copiesOf(name, work)[0][1]}`).join(', ')}; one copy each, no links`);

  // 4. The fixture's tests: tsc (types through `exports`, against Nest 11), Jest in native ESM, then a CommonJS app.
  run('npm', ['test'], work);
  const alsoNode = flags['also-node'];
  if (alsoNode) {
    const version = spawnSync(alsoNode, ['-v'], { encoding: 'utf8' }).stdout?.trim();
    log(`again on ${alsoNode} (${version})`);
    run(alsoNode, ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js'], work);
    run(alsoNode, ['dist-cjs/cjs-app.cjs'], work);
  }
  ok = true;
  log('NestJS 11 compatibility tests passed');
} finally {
  if (flags.keep || !ok) log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
