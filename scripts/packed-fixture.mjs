// Shared runner of the projects that prove the published packages work for an outside user
// (examples/nest-orders-testing, examples/express-orders-testing, compat/nest11): builds
// @portcullis/core, nest, express and testing in the workspace, packs the packages the fixture
// installs (core, nest and testing by default) into <fixture>/.tarballs/, installs the fixture
// from those tarballs in a fresh directory OUTSIDE the workspace — so nothing can silently resolve
// from the workspace's node_modules —, checks that each @portcullis package is one real installed
// copy, then runs the fixture's `npm test` (and whatever the fixture adds before and after).
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
import { join, relative, resolve, sep } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const BUILD = ['@portcullis/core', '@portcullis/nest', '@portcullis/express', '@portcullis/testing']; // in dependency order
/** The packages a fixture installs from tarballs, unless it names its own (`options.packages`). */
export const PACK = ['@portcullis/core', '@portcullis/nest', '@portcullis/testing'];

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

/**
 * Runs one fixture; throws (the process then exits non-zero) when a step fails.
 *
 * @param {object} options
 * @param {string} options.label log prefix, e.g. 'example'
 * @param {string} options.fixture the fixture's folder (holding package.json and its tests)
 * @param {string} options.tempPrefix prefix of the temporary directory under the OS tmpdir
 * @param {string[]} [options.packages] the @portcullis packages to pack and install (default {@link PACK})
 * @param {boolean} [options.inPlace] install and test in the fixture folder itself (faster to
 *   iterate; a missing dependency could then be hidden by the workspace's node_modules)
 * @param {boolean} [options.keep] keep the temporary directory after a passing run
 * @param {boolean} [options.skipBuild] use the packages' current dist/ (they must be built)
 * @param {string[]} [options.installFlags] extra `npm install` flags
 * @param {(work: string, tools: Tools) => void} [options.checkInstall] more checks of the install
 * @param {(work: string, tools: Tools) => void} [options.afterTest] more steps after `npm test`
 * @typedef {{ log(message: string): void, run(command: string, args: string[], cwd: string): void, fail(message: string): never }} Tools
 */
export function runPackedFixture(options) {
  const { label, fixture } = options;
  const pack = options.packages ?? PACK;
  const started = Date.now();
  const log = (message) => console.log(`[${label} +${Math.round((Date.now() - started) / 1000)}s] ${message}`);
  const run = (command, args, cwd) => {
    log(`${relative(root, cwd) || '.'}$ ${command} ${args.join(' ')}`);
    const result = spawnSync(command, args, { cwd, stdio: 'inherit', env: childEnv() });
    if (result.error) throw result.error;
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed with exit code ${result.status}`);
  };
  const fail = (message) => {
    throw new Error(`[${label}] FAILED: ${message}`);
  };
  const tools = { log, run, fail };

  const nodeVersion = spawnSync('node', ['-v'], { encoding: 'utf8', env: childEnv() }).stdout.trim();
  log(`node on PATH: ${nodeVersion} (this script: ${process.version})`);

  // 1. Build and pack.
  const tarballs = join(fixture, '.tarballs');
  if (!options.skipBuild) for (const name of BUILD) run('npm', ['run', 'build', '-w', name], root);
  rmSync(tarballs, { recursive: true, force: true });
  mkdirSync(tarballs, { recursive: true });
  run('npm', ['pack', '--silent', ...pack.flatMap((name) => ['-w', name]), '--pack-destination', tarballs], root);
  const packed = readdirSync(tarballs).sort();
  log(`tarballs: ${packed.join(', ')}`);
  for (const name of pack) {
    const version = JSON.parse(
      readFileSync(join(root, 'packages', name.split('/')[1], 'package.json'), 'utf8'),
    ).version;
    const file = `${name.slice(1).replace('/', '-')}-${version}.tgz`;
    if (!packed.includes(file)) fail(`expected ${file} in ${tarballs} (package.json points at file:.tarballs/${file})`);
  }

  // 2. A fresh project directory outside the workspace (or the fixture folder itself).
  const work = options.inPlace ? fixture : mkdtempSync(join(tmpdir(), options.tempPrefix));
  let ok = false;
  try {
    if (work !== fixture) {
      cpSync(fixture, work, {
        recursive: true,
        filter: (source) => !relative(fixture, source).split(sep).includes('node_modules'),
      });
    }
    rmSync(join(work, 'node_modules', '@portcullis'), { recursive: true, force: true });
    run('npm', ['install', ...(options.installFlags ?? []), '--no-audit', '--no-fund'], work);

    // 3. The packages are real installed copies from the tarballs: no link, nothing outside `work`.
    for (const name of pack) {
      const dir = join(work, 'node_modules', name);
      if (!existsSync(dir)) fail(`${name} is not installed`);
      if (lstatSync(dir).isSymbolicLink()) fail(`${name} is a link (${realpathSync(dir)}), not an installed package`);
      if (!realpathSync(dir).startsWith(realpathSync(work) + sep)) fail(`${name} resolves outside the fixture`);
      const nested = join(dir, 'node_modules', '@portcullis');
      if (existsSync(nested))
        fail(`${name} has its own nested @portcullis packages: ${readdirSync(nested).join(', ')}`);
    }
    options.checkInstall?.(work, tools);

    // 4. The fixture's own tests, then its extra steps.
    run('npm', ['test'], work);
    options.afterTest?.(work, tools);
    ok = true;
    log('passed');
  } finally {
    if (work !== fixture) {
      if (options.keep || !ok) log(`kept ${work}`);
      else rmSync(work, { recursive: true, force: true });
    }
  }
}
