/** C2SP tlog-tiles: tile paths, which tiles a tree has, entry bundles. Pure: no I/O, runs in a browser. */
export * from './errors.js';
export * from './layout.js';
export * from './paths.js';
export * from './bundle.js';
