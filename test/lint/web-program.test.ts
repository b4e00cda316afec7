// The type-check guard behind the lint rules: tsconfig.web.json compiles the code that runs without
// Node (renderer, common, host/page, native/decoders) with `types: []`, so `Buffer` or `process` is
// a type error there. That guard switches itself off silently if any import in the program pulls in
// @types/node (importing `ws` from common/ did): these tests keep it on.
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

function webConfig(): ts.ParsedCommandLine {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    path.join(root, 'tsconfig.web.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  if (!parsed) throw new Error('tsconfig.web.json did not parse');
  return parsed;
}

describe('the web program (tsconfig.web.json)', () => {
  const config = webConfig();
  const relative = config.fileNames.map((file) => path.relative(root, file).split(path.sep).join('/'));

  it('covers the folders that run without Node, and not their tests', () => {
    for (const folder of ['common/', 'renderer/', 'host/page/', 'native/decoders/']) {
      expect(
        relative.some((file) => file.startsWith(folder)),
        folder,
      ).toBe(true);
    }
    expect(relative.filter((file) => /\.test\.tsx?$/.test(file))).toEqual([]);
  });

  it('never loads @types/node, through any import', () => {
    const program = ts.createProgram(config.fileNames, config.options);
    const nodeTypes = program
      .getSourceFiles()
      .map((file) => file.fileName)
      .filter((file) => file.includes('/node_modules/@types/node/'));
    expect(nodeTypes).toEqual([]);
  }, 60_000);

  it('rejects a Node global in a decoder', () => {
    const fileName = path.join(root, 'native/decoders/guard-fixture.ts');
    const text = "export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');\n";
    const host = ts.createCompilerHost(config.options);
    const { getSourceFile, fileExists } = host;
    host.fileExists = (name) => name === fileName || fileExists.call(host, name);
    host.getSourceFile = (name, languageVersion, ...rest) =>
      name === fileName ? ts.createSourceFile(name, text, languageVersion) : getSourceFile.call(host, name, languageVersion, ...rest);
    const program = ts.createProgram([fileName], config.options, host);
    const messages = ts
      .getPreEmitDiagnostics(program, program.getSourceFile(fileName))
      .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    expect(messages).toContainEqual(expect.stringContaining("Cannot find name 'Buffer'"));
  }, 60_000);
});
