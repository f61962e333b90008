/**
 * Type-checks a browser entry as a browser sees the world: the ES and DOM libraries only, no
 * @types/node. A use of `Buffer`, `process`, `require`, `__dirname` or a `node:` module anywhere
 * in the files it imports is then a compile error, which the vite graph alone would not show
 * (a global is not an import).
 */
import path from 'node:path';
import ts from 'typescript';
import { REPO_ROOT } from './web-build.js';

const BROWSER_COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  isolatedModules: true,
  verbatimModuleSyntax: true,
  // The point of the exercise: no ambient Node types (Buffer, process, require, node:*).
  types: [],
};

export interface BrowserTypecheck {
  /** Diagnostics as "file(line): message", paths relative to the repository. */
  errors: string[];
  /** Every source file of the project the program read (not the libraries). */
  projectFiles: string[];
}

export function typecheckForBrowser(entries: readonly string[]): BrowserTypecheck {
  const program = ts.createProgram({ rootNames: entries.map((e) => path.resolve(REPO_ROOT, e)), options: BROWSER_COMPILER_OPTIONS });
  const errors = ts.getPreEmitDiagnostics(program).map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!d.file || d.start === undefined) return message;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${path.relative(REPO_ROOT, d.file.fileName)}(${line + 1}): ${message}`;
  });
  const projectFiles = program
    .getSourceFiles()
    .map((f) => path.relative(REPO_ROOT, f.fileName))
    .filter((f) => !f.startsWith('node_modules') && !f.startsWith('..'));
  return { errors, projectFiles };
}
