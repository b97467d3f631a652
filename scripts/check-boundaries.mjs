// Module boundaries on the Nx project graph, from project tags (package.json "nx.tags").
// Layers point one way: apps -> adapters -> core; testing -> core (and the adapters, only for its
// optional `/nest` and `/express` subpaths); nothing depends on an app. Run by `npm run lint`
// and `npm test`; fails with the offending edges.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Which tags a project with a given tag may depend on. */
const ALLOWED = {
  'type:core': [],
  'type:adapter': ['type:core'],
  'type:testing': ['type:core', 'type:adapter'],
  'type:app': ['type:adapter', 'type:core', 'type:testing'],
  'type:bench': ['type:adapter', 'type:core', 'type:testing'],
  'type:conformance': ['type:adapter', 'type:core', 'type:testing'],
};

const dir = mkdtempSync(join(tmpdir(), 'nx-graph-'));
try {
  const file = join(dir, 'graph.json');
  execFileSync('nx', ['graph', `--file=${file}`], { stdio: 'ignore', env: { ...process.env, NX_DAEMON: 'false' } });
  const { nodes, dependencies } = JSON.parse(readFileSync(file, 'utf8')).graph;
  const typeOf = (name) => (nodes[name]?.data.tags ?? []).find((t) => t.startsWith('type:'));
  const problems = [];
  for (const [name, node] of Object.entries(nodes)) {
    const type = typeOf(name);
    if (!type || !(type in ALLOWED)) problems.push(`${name} (${node.data.root}) has no known "type:*" tag`);
  }
  for (const [source, edges] of Object.entries(dependencies)) {
    for (const { target } of edges) {
      if (!nodes[target]) continue; // npm packages
      const from = typeOf(source);
      const to = typeOf(target);
      if (to === 'type:app') problems.push(`${source} -> ${target}: nothing may depend on an app`);
      else if (from && !(ALLOWED[from] ?? []).includes(to)) problems.push(`${source} (${from}) -> ${target} (${to}) is not allowed`);
    }
  }
  if (problems.length) {
    console.error(`Module boundary violations:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`Module boundaries OK (${Object.keys(nodes).length} projects)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
