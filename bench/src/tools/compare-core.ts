// `npm run compare-core -w @portcullis/bench -- <git-ref> [--quick]`: A/B of the verifier hot path
// between the working tree (packages/core/dist, rebuilt by the npm script) and @portcullis/core as
// of <git-ref>.
// The ref's packages/core is exported with `git archive` into a temporary directory (no worktree,
// no change to the repository), compiled there with the workspace's TypeScript, and both builds
// are timed in one process, in alternating rounds, on the same tokens. Prints a Markdown table.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as current from '@portcullis/core';
import { createTestIssuer } from '@portcullis/testing';
import { measureAll } from '../lib/measure.js';
import type { Subject } from '../lib/measure.js';
import { ALGORITHMS } from '../lib/pool.js';
import { formatNumber, formatRatio } from '../lib/stats.js';

type Core = typeof current;

const args = process.argv.slice(2);
const ref = args.find((a) => !a.startsWith('--'));
const quick = args.includes('--quick');
if (ref === undefined) {
  console.error('usage: npm run compare-core -w @portcullis/bench -- <git-ref> [--quick]');
  process.exit(64);
}

const root = fileURLToPath(new URL('../../../../', import.meta.url));

/** Exports packages/core and the base tsconfig at `ref` and builds them; returns the dist entry URL. */
function buildAtRef(gitRef: string, dir: string): string {
  const archive = execFileSync('git', ['archive', '--format=tar', gitRef, 'packages/core', 'tsconfig.base.json'], {
    cwd: root,
    maxBuffer: 256 * 1024 * 1024,
  });
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
  // Resolve jose (and @types/node for the build) from the workspace.
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'packages/core/tsconfig.lib.json'],
    {
      cwd: dir,
      stdio: 'inherit',
    },
  );
  return pathToFileURL(join(dir, 'packages/core/dist/index.js')).href;
}

const dir = mkdtempSync(join(tmpdir(), 'portcullis-core-ref-'));
try {
  console.log(`building @portcullis/core at ${ref} in ${dir}`);
  const baseline = (await import(buildAtRef(ref, dir))) as Core;
  const issuer = await createTestIssuer({ serve: 'none', algorithms: [...ALGORITHMS] });
  const poolSize = quick ? 2_000 : 10_000;
  const subjects: Subject[] = [];
  const builds: ReadonlyArray<readonly [string, Core]> = [
    [ref, baseline],
    ['working tree', current],
  ];
  for (const alg of ALGORITHMS) {
    const tokens: string[] = [];
    for (let i = 0; i < poolSize; i++) tokens.push(await issuer.token({ sub: `user-${i}` }, { alg, expiresIn: 3600 }));
    for (const [name, core] of builds) {
      const miss = core.createAccessTokenVerifier({ ...issuer.verifierOptions(), cache: { maxEntries: 1_000 } });
      subjects.push({
        group: 'first sight',
        name,
        alg,
        async: true,
        op: (i) => miss.verify(tokens[i % tokens.length]!),
      });
    }
  }
  const one = await issuer.token({}, { alg: 'RS256', expiresIn: 3600 });
  const oneBytes = Buffer.from(`Bearer ${one}`, 'latin1');
  // Pairs: each group pushes the ref's subject, then the working tree's (the table reads them in twos).
  for (const [name, core] of builds) {
    const verifier = core.createAccessTokenVerifier(issuer.verifierOptions());
    subjects.push({ group: 'verify, cache hit', name, async: true, op: () => verifier.verify(one) });
  }
  for (const [name, core] of builds) {
    const portcullis = core.createPortcullis(issuer.verifierOptions());
    subjects.push({
      group: 'authenticate(req), cache hit',
      name,
      async: true,
      op: () => portcullis.authenticate({ headers: { authorization: oneBytes.toString('latin1') } }),
    });
  }
  const timings = await measureAll(
    subjects,
    quick ? { warmupMs: 100, rounds: 3, sliceMs: 100 } : { warmupMs: 300, rounds: 7, sliceMs: 250 },
  );
  console.log(
    `\n| path | alg | ${ref} ops/s | working tree ops/s | working tree ÷ ${ref} |\n| --- | --- | ---: | ---: | ---: |`,
  );
  for (let i = 0; i < timings.length; i += 2) {
    const [before, after] = [timings[i]!, timings[i + 1]!];
    console.log(
      `| ${before.group} | ${before.alg ?? 'RS256'} | ${formatNumber(before.opsPerSec)} | ${formatNumber(after.opsPerSec)} | ${formatRatio(after.opsPerSec / before.opsPerSec)} |`,
    );
  }
  await issuer.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
