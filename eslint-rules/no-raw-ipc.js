// Raw Electron IPC objects (ipcMain, ipcRenderer, contextBridge) are reachable only in the two
// contract adapters. An allow-list on import sources cannot see this: main/ may import electron,
// and `import electron from 'electron'` then `electron.ipcMain` names ipcMain nowhere in the import.
// So this rule follows every binding of the electron module (default, namespace, require(),
// await import()) and reports named imports, re-exports, member reads and destructuring of the
// forbidden names. Options: { names: string[] } — the names forbidden in the files it is enabled for.

const ELECTRON = /^electron(\/(main|renderer|common))?$/;

function isElectronSource(node) {
  return node?.type === 'Literal' && typeof node.value === 'string' && ELECTRON.test(node.value);
}

/** `require('electron')`, `import('electron')` or `await import('electron')`. */
function isElectronModuleExpression(node) {
  if (!node) return false;
  if (node.type === 'AwaitExpression') return isElectronModuleExpression(node.argument);
  if (node.type === 'ImportExpression') return isElectronSource(node.source);
  return (
    node.type === 'CallExpression' &&
    node.callee.type === 'Identifier' &&
    node.callee.name === 'require' &&
    isElectronSource(node.arguments[0])
  );
}

function propertyName(node) {
  if (node.type === 'Identifier') return node.name;
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  return undefined;
}

/** @type {import('eslint').Rule.RuleModule} */
export const noRawIpc = {
  meta: {
    type: 'problem',
    docs: { description: 'Raw ipcMain/ipcRenderer/contextBridge only in the contract adapters.' },
    schema: [{ type: 'object', properties: { names: { type: 'array', items: { type: 'string' } } }, additionalProperties: false }],
    messages: {
      raw: "Raw Electron '{{name}}' is used only in {{home}}: go through the contract adapter instead.",
    },
  },
  create(context) {
    const names = new Set(context.options[0]?.names ?? ['ipcMain', 'ipcRenderer', 'contextBridge']);
    const home = (name) => (name === 'ipcMain' ? 'main/ipc-adapter.ts' : 'preload/electron-bridge.ts');
    const report = (node, name) => {
      if (name !== undefined && names.has(name)) context.report({ node, messageId: 'raw', data: { name, home: home(name) } });
    };
    const checkPattern = (pattern) => {
      if (pattern?.type !== 'ObjectPattern') return;
      for (const property of pattern.properties) {
        if (property.type === 'Property' && !property.computed) report(property, propertyName(property.key));
      }
    };
    /** Every read of a variable bound to the electron module: `x.ipcMain`, `x['ipcMain']`, `const { ipcMain } = x`. */
    const checkModuleBinding = (declaration) => {
      for (const variable of context.sourceCode.getDeclaredVariables(declaration)) {
        for (const reference of variable.references) {
          const parent = reference.identifier.parent;
          if (parent.type === 'MemberExpression' && parent.object === reference.identifier) report(parent, propertyName(parent.property));
          if (parent.type === 'VariableDeclarator' && parent.init === reference.identifier) checkPattern(parent.id);
        }
      }
    };
    return {
      ImportDeclaration(node) {
        if (!isElectronSource(node.source)) return;
        for (const specifier of node.specifiers) {
          const imported = specifier.type === 'ImportSpecifier' ? propertyName(specifier.imported) : 'default';
          if (imported === 'default' || specifier.type === 'ImportNamespaceSpecifier') checkModuleBinding(specifier);
          else report(specifier, imported);
        }
      },
      ExportNamedDeclaration(node) {
        if (!isElectronSource(node.source)) return;
        for (const specifier of node.specifiers) report(specifier, propertyName(specifier.local));
      },
      VariableDeclarator(node) {
        if (!isElectronModuleExpression(node.init)) return;
        if (node.id.type === 'Identifier') checkModuleBinding(node);
        else checkPattern(node.id);
      },
      MemberExpression(node) {
        if (isElectronModuleExpression(node.object)) report(node, propertyName(node.property));
      },
    };
  },
};
