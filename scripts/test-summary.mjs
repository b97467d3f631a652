// Prints the closing line of a test run from the files scripts/jest-results-reporter.js wrote:
// "Tests: N passed, N failed, N skipped". Exits 1 when any test failed or no test ran.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const files = [];
for (const group of ['packages', 'apps', 'bench', 'security', 'demo']) {
  const g = join(root, group);
  if (!existsSync(g)) continue;
  const projects = group === 'packages' || group === 'apps' ? readdirSync(g) : [''];
  for (const p of projects) {
    const dir = join(g, p, '.test-results');
    if (existsSync(dir)) files.push(...readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => join(dir, f)));
  }
}
let passed = 0;
let failed = 0;
let skipped = 0;
for (const f of files) {
  const r = JSON.parse(readFileSync(f, 'utf8'));
  passed += r.passed;
  failed += r.failed;
  skipped += r.skipped;
  console.log(`  ${r.project.padEnd(24)} ${r.node.padEnd(9)} ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped`);
}
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
