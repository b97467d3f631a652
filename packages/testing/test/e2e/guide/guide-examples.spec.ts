// docs/guides/testing-your-api.md shows complete examples; each block marked
// `<!-- example: <path> -->` must be exactly that file, which a test suite runs (the Nest example
// in examples/nest-orders-testing, the Express one in examples/express-orders-testing, each via its
// run.mjs; the guide's snippets and recipes also run the Express app in this folder's suite).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';

const root = new URL('../../../../../', import.meta.url);
const guide = readFileSync(new URL('docs/guides/testing-your-api.md', root), 'utf8');
const blocks = [...guide.matchAll(/<!-- example: (\S+) -->\n\n`\1`:\n\n```[a-z]+\n([\s\S]*?)\n```/g)].map(
  ([, path, code]) => [path!, code!] as const,
);

describe('the guide shows the tested examples verbatim', () => {
  it('has the Nest and the Express examples', () => {
    const paths = blocks.map(([path]) => path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'examples/nest-orders-testing/test/orders.matrix.spec.ts',
        'examples/nest-orders-testing/test/orders.controller.spec.ts',
        'examples/express-orders-testing/src/app.ts',
        'examples/express-orders-testing/test/app.spec.ts',
      ]),
    );
    // Every marker was matched (none with a broken block).
    expect(blocks).toHaveLength(guide.split('<!-- example: ').length - 1);
  });

  it.each(blocks)('%s', (path, code) => {
    expect(code).toBe(readFileSync(new URL(path, root), 'utf8').trimEnd());
  });
});

describe('the README shows its tested example verbatim', () => {
  it("the 'Testing your API' block is test/e2e/readme-example.spec.ts (after its first comment line)", () => {
    const readme = readFileSync(new URL('packages/testing/README.md', root), 'utf8');
    const block = /## Testing your API\n[\s\S]*?```ts\n([\s\S]*?)\n```/.exec(readme)?.[1];
    const spec = readFileSync(new URL('packages/testing/test/e2e/readme-example.spec.ts', root), 'utf8');
    expect(block).toBe(spec.split('\n').slice(1).join('\n').trimEnd());
  });
});

// Every other code block (a fragment, not a whole file) is run by snippets.spec.ts: its lines, but
// for imports, must appear there in one piece, and the names it imports must exist.
describe('every other code block is run by snippets.spec.ts', () => {
  const snippets = readFileSync(new URL('packages/testing/test/e2e/guide/snippets.spec.ts', root), 'utf8');
  const lines = (text: string): string[] =>
    text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '');
  const runLines = lines(snippets);
  const contains = (needle: readonly string[]): boolean =>
    runLines.some((_, start) => needle.every((line, i) => runLines[start + i] === line));

  const fragments = (file: string, isWholeFile: (before: string, code: string) => boolean) => {
    const text = readFileSync(new URL(file, root), 'utf8');
    return [...text.matchAll(/```(?:ts|js)\n([\s\S]*?)\n```/g)]
      .filter((m) => !isWholeFile(text.slice(0, m.index), m[1]!))
      .map((m) => [`${file} line ${text.slice(0, m.index).split('\n').length}`, m[1]!] as const);
  };
  const cases = [
    ...fragments('docs/guides/testing-your-api.md', (before) => /<!-- example: (\S+) -->\n\n`\1`:\n\n$/.test(before)),
    ...fragments('packages/testing/README.md', (_before, code) => code.startsWith('// test/access-tokens.spec.ts')),
  ];

  it('finds the fragments', () => {
    expect(cases.length).toBeGreaterThanOrEqual(13);
  });

  it.each(cases)('%s', async (_where, code) => {
    const statements = code.replace(/^import [\s\S]*?;$/gm, '');
    expect(contains(lines(statements))).toBe(true);
    for (const [, names, from] of code.matchAll(/^import (?:type )?\{([^}]*)\} from '([^']+)';$/gm)) {
      const exported = Object.keys((await import(from!)) as object);
      const values = names!
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name !== '' && !name.startsWith('type ') && !code.includes(`import type {${names}}`));
      for (const name of values) expect(exported).toContain(name.split(' as ')[0]);
    }
  });
});
