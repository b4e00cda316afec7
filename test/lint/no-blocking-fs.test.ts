// `Sync` in the name wherever something blocks (STYLE.md): no function in core/ or main/ calls a
// blocking node:fs function unless its own name ends in Sync, so a blocking path is visible at
// every call site up to the start-up code that may afford it. Read from the TypeScript syntax
// tree, not by grep, so an aliased import or `fs.readFileSync` is caught too.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

/** Blocking calls that are allowed although their function's name does not say Sync, and why. */
const ALLOWED: Record<string, string> = {
  // Start-up, before the app exists: the tray icon's @2x image has to be in hand to build the icon.
  'main/index.ts': 'reads the tray icon once at start-up',
  // Start-up of the demo backend child: whether its entry file was built decides how to spawn it.
  'core/demo-backend.ts': 'checks once whether the demo backend was built',
};

function sources(folder: string): string[] {
  return readdirSync(join(root, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name) && !/\.(test|spec)\.tsx?$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Names bound to node:fs in a file: `readFileSync` (named import, maybe renamed) and namespace/default bindings like `fs`. */
function fsBindings(file: ts.SourceFile): { functions: Map<string, string>; namespaces: Set<string> } {
  const functions = new Map<string, string>();
  const namespaces = new Set<string>();
  for (const statement of file.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    if (!['node:fs', 'fs'].includes(statement.moduleSpecifier.text)) continue;
    const clause = statement.importClause;
    if (clause?.name) namespaces.add(clause.name.text);
    const bindings = clause?.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) namespaces.add(bindings.name.text);
    if (bindings && ts.isNamedImports(bindings))
      for (const element of bindings.elements) functions.set(element.name.text, (element.propertyName ?? element.name).text);
  }
  return { functions, namespaces };
}

/** The name of the innermost named function around `node`, or undefined at module level. */
function enclosingName(node: ts.Node): string | undefined {
  for (let current = node.parent; current !== undefined; current = current.parent) {
    if ((ts.isFunctionDeclaration(current) || ts.isMethodDeclaration(current) || ts.isGetAccessor(current)) && current.name)
      return current.name.getText();
    if (ts.isArrowFunction(current) || ts.isFunctionExpression(current)) {
      const parent = current.parent;
      if ((ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) && parent.name)
        return parent.name.getText();
      if (ts.isFunctionExpression(current) && current.name) return current.name.text;
    }
  }
  return undefined;
}

/** Every blocking fs call in `path` outside a function named …Sync: "core/x.ts:12 readFileSync in load". */
function blockingCallsOutsideSyncFunctions(path: string, text = readFileSync(path, 'utf8')): string[] {
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const { functions, namespaces } = fsBindings(file);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      let name: string | undefined;
      if (ts.isIdentifier(callee)) name = functions.get(callee.text);
      else if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && namespaces.has(callee.expression.text))
        name = callee.name.text;
      if (name?.endsWith('Sync')) {
        const where = enclosingName(node);
        if (!where?.endsWith('Sync')) {
          const line = file.getLineAndCharacterOfPosition(node.getStart()).line + 1;
          found.push(`${relative(root, path)}:${line} ${name} in ${where ?? 'module level'}`);
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

describe('blocking file-system calls in the core and the Electron main process', () => {
  it('are only made by functions whose names end in Sync (or by the few allowed, with a reason)', () => {
    const offenders = [...sources('core'), ...sources('main')]
      .filter((path) => !(relative(root, path) in ALLOWED))
      .flatMap((path) => blockingCallsOutsideSyncFunctions(path));
    expect(offenders).toEqual([]);
  });

  it('catches a blocking call in a function that does not say so, renamed or through a namespace', () => {
    const fixture = [
      "import * as fs from 'node:fs';",
      "import { readFileSync as read, writeFileSync } from 'node:fs';",
      'export function dismiss(): string {',
      "  return read('/tmp/ledger.jsonl', 'utf8');",
      '}',
      'export const append = (fd: number): void => {',
      '  fs.fsyncSync(fd);',
      '};',
      "export function saveSync(): void { writeFileSync('/tmp/x', ''); }",
    ].join('\n');
    expect(blockingCallsOutsideSyncFunctions(join(root, 'core/fixture.ts'), fixture)).toEqual([
      'core/fixture.ts:4 readFileSync in dismiss',
      'core/fixture.ts:7 fsyncSync in append',
    ]);
  });
});
