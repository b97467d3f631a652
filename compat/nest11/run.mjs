// NestJS 11 compatibility check. @portcullis/nest's peer range admits NestJS 11 and 12; the
// workspace tests 12. This installs the packed @portcullis/core, nest and testing tarballs with
// NestJS 11 (Express and Fastify adapters, @nestjs/passport 11, @nestjs/swagger 11, @nestjs/config 4)
// in a fresh directory OUTSIDE the workspace — its own node_modules, no lockfile, nothing resolved
// from the workspace — checks that every @nestjs package is a single 11.x copy (and Fastify the one
// version platform-fastify pins), then runs this fixture's `npm test`: tsc over src and test against
// the Nest 11 types, Jest in native ESM (e2e over real HTTP on 127.0.0.1, test/*.e2e.spec.ts), then
// a CommonJS Nest 11 app that require()s the ESM packages (cjs/cjs-app.cts).
// The steps shared with examples/nest-orders-testing live in scripts/packed-fixture.mjs.
//
// Run from the workspace root with the pinned Node on PATH:
//   npm run compat:nest11 [-- --keep] [-- --skip-build]
//     --keep        keep the temporary directory (printed) after the run
//     --skip-build  use the packages' current dist/ (they must be built, e.g. right after `npm run example:nest`)
//     --also-node <path>  run the built tests once more on that Node binary (CI: the system Node 20, the engines floor)
// Exit code: 0 when the fixture's tests pass on NestJS 11.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { PACK, runPackedFixture } from '../../scripts/packed-fixture.mjs';

const { values: flags } = parseArgs({
  options: {
    keep: { type: 'boolean', default: false },
    'skip-build': { type: 'boolean', default: false },
    'also-node': { type: 'string' },
  },
});

const NEST = [
  '@nestjs/common',
  '@nestjs/core',
  '@nestjs/platform-express',
  '@nestjs/platform-fastify',
  '@nestjs/testing',
  '@nestjs/passport',
  '@nestjs/swagger',
];

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

runPackedFixture({
  label: 'compat:nest11',
  fixture: import.meta.dirname,
  tempPrefix: 'portcullis-nest11-',
  keep: flags.keep,
  skipBuild: flags['skip-build'],
  installFlags: ['--prefer-offline'],
  // Exactly one NestJS 11 copy of each @nestjs package (and one of each @portcullis package).
  checkInstall: (work, { log, fail }) => {
    for (const name of [...PACK, ...NEST]) {
      const copies = copiesOf(name, work);
      if (copies.length !== 1) fail(`${name}: expected one installed copy, found ${JSON.stringify(copies)}`);
      if (NEST.includes(name) && !copies[0][1].startsWith('11.')) fail(`${name} is ${copies[0][1]}, not NestJS 11`);
    }
    // One Fastify, the exact version @nestjs/platform-fastify pins; one @nestjs/config (4.x is its NestJS 11 line).
    const platformFastify = JSON.parse(
      readFileSync(join(work, 'node_modules', '@nestjs', 'platform-fastify', 'package.json'), 'utf8'),
    );
    const others = [
      ['fastify', (version) => version === platformFastify.dependencies.fastify],
      ['@nestjs/config', (version) => version.startsWith('4.')],
    ];
    for (const [name, expected] of others) {
      const copies = copiesOf(name, work);
      if (copies.length !== 1) fail(`${name}: expected one installed copy, found ${JSON.stringify(copies)}`);
      if (!expected(copies[0][1])) fail(`${name} is ${copies[0][1]}, not the version NestJS 11 needs`);
    }
    log(
      `installed: ${[...NEST, ...others.map(([name]) => name)].map((name) => `${name}@${copiesOf(name, work)[0][1]}`).join(', ')}; one copy each, no links`,
    );
  },
  // `npm test` ran tsc, Jest and the CommonJS app on the pinned Node; the engines floor too on request.
  afterTest: (work, { log, run }) => {
    const alsoNode = flags['also-node'];
    if (!alsoNode) return;
    const version = spawnSync(alsoNode, ['-v'], { encoding: 'utf8' }).stdout?.trim();
    log(`again on ${alsoNode} (${version})`);
    run(alsoNode, ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js'], work);
    run(alsoNode, ['dist-cjs/cjs-app.cjs'], work);
  },
});
