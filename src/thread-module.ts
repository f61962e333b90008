/**
 * Where a worker thread's module is. Threads run the built JavaScript; under vitest the calling
 * module is the TypeScript source in src/, so its thread runs the build of the same file in
 * dist/src/ (`npm test` builds first).
 */
export function threadModuleUrl(callerUrl: string, relativeJsPath: string): URL {
  if (!callerUrl.endsWith('.ts')) return new URL(relativeJsPath, callerUrl);
  const source = new URL(relativeJsPath, callerUrl);
  const marker = '/src/';
  const at = source.pathname.lastIndexOf(marker);
  if (at < 0) throw new Error(`cannot find the build of ${source.pathname}: it is not under src/`);
  return new URL(`${source.pathname.slice(0, at)}/dist/src/${source.pathname.slice(at + marker.length)}`, source);
}
