// Fails loudly when the workspace is not running on the Node pinned in package.json.
// Without it, a skipped `node` preinstall (e.g. `npm ci --ignore-scripts`) leaves a dangling
// node_modules/.bin/node and every npm script silently falls back to the system Node.
import { readFileSync } from 'node:fs';

const want = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).devDependencies.node;
if (process.version !== `v${want}`) {
  console.error(
    `Expected Node v${want} (node_modules/.bin/node) but running ${process.version} at ${process.execPath}.\n` +
      'Run commands through npm scripts / npx, and reinstall with install scripts enabled: rm -rf node_modules && npm ci',
  );
  process.exit(1);
}
