// Proves the published packages work for an outside Express user: builds @portcullis/core, nest,
// express and testing in the workspace, packs core, express and testing into .tarballs/, installs
// this example from those tarballs (plus Express, Jest and TypeScript from the registry) in a fresh
// directory OUTSIDE the workspace — so nothing can silently resolve from the workspace's
// node_modules — checks that no package is a link, then runs the example's `npm test` (tsc over
// src and test through the packages' `exports` types, then Jest in native ESM over real HTTP).
// The steps live in scripts/packed-fixture.mjs (shared with examples/nest-orders-testing).
//
// Run from the workspace root with the pinned Node on PATH:
//   npx node examples/express-orders-testing/run.mjs [--in-place] [--keep] [--skip-build]
// Exit code: 0 when the example's tests pass.
import { parseArgs } from 'node:util';
import { runPackedFixture } from '../../scripts/packed-fixture.mjs';

const { values: flags } = parseArgs({
  options: {
    'in-place': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    'skip-build': { type: 'boolean', default: false },
  },
});

runPackedFixture({
  label: 'example:express',
  fixture: import.meta.dirname,
  packages: ['@portcullis/core', '@portcullis/express', '@portcullis/testing'],
  tempPrefix: 'portcullis-express-example-',
  inPlace: flags['in-place'],
  keep: flags.keep,
  skipBuild: flags['skip-build'],
  checkInstall: (_work, { log }) => log('installed from the tarballs: no links, one copy of each @portcullis package'),
});
