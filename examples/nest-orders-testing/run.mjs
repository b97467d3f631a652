// Proves the published packages work for an outside user: builds @portcullis/core, nest, express
// and testing in the workspace, packs core, nest and testing into .tarballs/, installs this
// example from those tarballs (plus @nestjs/*, Jest and TypeScript from the registry) in a fresh
// directory OUTSIDE the workspace — so nothing can silently resolve from the workspace's
// node_modules — checks that no package is a link, then runs the example's `npm test`
// (tsc over src and test through the packages' `exports` types, then Jest in native ESM).
//
// Run from the workspace root with the pinned Node on PATH:
//   npx node examples/nest-orders-testing/run.mjs [--in-place] [--keep] [--skip-build]
//     --in-place    install and test in examples/nest-orders-testing itself (faster to iterate;
//                   a missing dependency could then be hidden by the workspace's node_modules)
//     --keep        keep the temporary directory (printed) after the run
//     --skip-build  use the packages' current dist/ (they must be built)
// Exit code: 0 when the example's tests pass.
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
    'in-place': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    'skip-build': { type: 'boolean', default: false },
  },
});

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const tarballs = join(here, '.tarballs');
const BUILD = ['@portcullis/core', '@portcullis/nest', '@portcullis/express', '@portcullis/testing']; // in dependency order
const PACK = ['@portcullis/core', '@portcullis/nest', '@portcullis/testing'];
const started = Date.now();

const log = (message) => console.log(`[example +${Math.round((Date.now() - started) / 1000)}s] ${message}`);

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
  console.error(`[example] FAILED: ${message}`);
  process.exit(1);
}

const nodeVersion = spawnSync('node', ['-v'], { encoding: 'utf8', env: childEnv() }).stdout.trim();
log(`node on PATH: ${nodeVersion} (this script: ${process.version})`);

// 1. Build and pack.
if (!flags['skip-build']) for (const name of BUILD) run('npm', ['run', 'build', '-w', name], root);
rmSync(tarballs, { recursive: true, force: true });
mkdirSync(tarballs, { recursive: true });
run('npm', ['pack', ...PACK.flatMap((name) => ['-w', name]), '--pack-destination', tarballs], root);
const packed = readdirSync(tarballs).sort();
log(`tarballs: ${packed.join(', ')}`);
for (const name of PACK) {
  const version = JSON.parse(readFileSync(join(root, 'packages', name.split('/')[1], 'package.json'), 'utf8')).version;
  const file = `${name.slice(1).replace('/', '-')}-${version}.tgz`;
  if (!packed.includes(file)) fail(`expected ${file} in ${tarballs} (package.json points at file:.tarballs/${file})`);
}

// 2. A fresh project directory outside the workspace (or the example folder itself).
const work = flags['in-place'] ? here : mkdtempSync(join(tmpdir(), 'portcullis-example-'));
let ok = false;
try {
  if (work !== here) {
    cpSync(here, work, {
      recursive: true,
      filter: (source) => !relative(here, source).split(sep).includes('node_modules'),
    });
  }
  rmSync(join(work, 'node_modules', '@portcullis'), { recursive: true, force: true });
  run('npm', ['install', '--no-audit', '--no-fund'], work);

  // 3. The packages are real installed copies from the tarballs: no link, nothing outside `work`.
  for (const name of PACK) {
    const dir = join(work, 'node_modules', name);
    if (!existsSync(dir)) fail(`${name} is not installed`);
    if (lstatSync(dir).isSymbolicLink()) fail(`${name} is a link (${realpathSync(dir)}), not an installed package`);
    if (!realpathSync(dir).startsWith(realpathSync(work) + sep)) fail(`${name} resolves outside the example`);
    const nested = join(dir, 'node_modules', '@portcullis');
    if (existsSync(nested)) fail(`${name} has its own nested @portcullis packages: ${readdirSync(nested).join(', ')}`);
  }
  log('installed from the tarballs: no links, one copy of each @portcullis package');

  // 4. The example's own tests: tsc (types through `exports`), then Jest in native ESM.
  run('npm', ['test'], work);
  ok = true;
  log('example tests passed');
} finally {
  if (work !== here) {
    if (flags.keep || !ok) log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}
