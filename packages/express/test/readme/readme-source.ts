/**
 * Reading the README's code blocks and the spec's `// readme: <name>` … `// readme-end` regions,
 * and comparing them as code.
 *
 * The comparison ignores layout only: whitespace, line breaks and trailing commas. The README
 * aligns its comments and keeps some blocks narrow for the side-by-side migration tables, while
 * Prettier owns the layout of the spec; every token, identifier, literal and comment must still
 * be the same, in the same order.
 */
import ts from 'typescript';

export { regions } from '../../../../test-support/readme-regions.js';
export type { Region } from '../../../../test-support/readme-regions.js';

/** A name a code block imports: `default:<local>` for a default import, else the imported name. */
export interface ImportedName {
  readonly module: string;
  readonly name: string;
}

/** The ```ts blocks of a Markdown text, in order. */
export function typescriptBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

function parse(code: string): ts.SourceFile {
  return ts.createSourceFile('block.ts', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

/** Every name imported by the import declarations of `code` (value and type imports alike). */
export function importedNames(code: string): ImportedName[] {
  const names: ImportedName[] = [];
  for (const statement of parse(code).statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const module = statement.moduleSpecifier.text;
    const clause = statement.importClause;
    if (clause?.name) names.push({ module, name: `default:${clause.name.text}` });
    const bindings = clause?.namedBindings;
    if (bindings && ts.isNamedImports(bindings)) {
      for (const element of bindings.elements)
        names.push({ module, name: (element.propertyName ?? element.name).text });
    }
    if (bindings && ts.isNamespaceImport(bindings)) names.push({ module, name: `* as ${bindings.name.text}` });
  }
  return names;
}

/**
 * The code of `code` as a list of tokens and comments, without its import declarations and
 * without layout: whitespace and line breaks are dropped, and so are trailing commas (a comma
 * right before a closing `)`, `]`, `}` or `>`, comments aside).
 */
export function codeTokens(code: string): string[] {
  const file = parse(code);
  const tokens: string[] = [];
  const comments = (ranges: ts.CommentRange[] | undefined) => {
    for (const range of ranges ?? []) tokens.push(code.slice(range.pos, range.end).trim());
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) return;
    const children = node.getChildren(file);
    if (children.length > 0 || node.kind === ts.SyntaxKind.SyntaxList) {
      for (const child of children) visit(child);
      return;
    }
    // A leaf token: comments before it (on earlier lines), itself, comments after it on its line.
    comments(ts.getLeadingCommentRanges(code, node.pos));
    if (node.kind !== ts.SyntaxKind.EndOfFileToken) tokens.push(node.getText(file));
    comments(ts.getTrailingCommentRanges(code, node.end));
  };
  visit(file);
  const isComment = (t: string) => t.startsWith('//') || t.startsWith('/*');
  return tokens.filter((token, i) => {
    if (token !== ',') return true;
    const next = tokens.slice(i + 1).find((t) => !isComment(t));
    return !(next === ')' || next === ']' || next === '}' || next === '>');
  });
}
