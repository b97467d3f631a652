/**
 * The README example specs of core, Express and Nest copy each ```ts block of a README into a
 * source file between `// readme: <name>` and `// readme-end` lines, then check that the two agree.
 * This is the part they share: reading those regions and the names a source file imports.
 */

/** One `// readme: <name>` … `// readme-end` region of a source file, dedented. */
export interface Region {
  readonly name: string;
  readonly body: string;
}

/** Removes the common indentation of the non-blank lines, and the blank lines around them. */
export function dedent(lines: readonly string[]): string {
  const indents = lines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length);
  const cut = indents.length === 0 ? 0 : Math.min(...indents);
  return lines
    .map((l) => l.slice(cut))
    .join('\n')
    .trim();
}

/** The regions of a source text, in order; throws on a region without its `// readme-end` or with another region inside. */
export function regions(source: string): Region[] {
  const found: Region[] = [];
  const lines = source.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = /^\s*\/\/ readme: (\S+)$/.exec(lines[i]!);
    if (!start) continue;
    const end = lines.findIndex((l, j) => j > i && /^\s*\/\/ readme(-end|: \S+)$/.test(l));
    if (end === -1 || !/readme-end$/.test(lines[end]!)) throw new Error(`region ${start[1]} has no // readme-end`);
    found.push({ name: start[1]!, body: dedent(lines.slice(i + 1, end)) });
    i = end;
  }
  return found;
}

/** `module → names` a source text imports with named imports, value or type (multi-line imports and `type` modifiers included). */
export function importedNamesOf(source: string): Map<string, Set<string>> {
  const imports = new Map<string, Set<string>>();
  for (const match of source.matchAll(/^import (?:type )?\{([^}]*)\} from '([^']+)';$/gms)) {
    const names = imports.get(match[2]!) ?? new Set<string>();
    for (const name of match[1]!.split(',')) {
      const clean = name.replace(/^\s*type\s+/, '').trim();
      if (clean !== '') names.add(clean);
    }
    imports.set(match[2]!, names);
  }
  return imports;
}
