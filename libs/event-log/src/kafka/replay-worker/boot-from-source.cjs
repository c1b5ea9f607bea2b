// Starts the fetch thread from its TypeScript source (tests, `npm start`) with Node's own type
// stripping: starting the project's loader on the thread took a third of a second (ADR 0010).
// Relative imports without an extension resolve to .ts files, so the entry and what it imports
// must be erasable TypeScript (no enums, no parameter properties) and import only relative
// files and packages. The entry comes as the thread's first argument (FetchThread.start).
'use strict';
const { registerHooks } = require('node:module');
const { existsSync } = require('node:fs');

registerHooks({
  resolve(specifier, context, next) {
    if (/^\.\.?\//.test(specifier) && !/\.[cm]?[jt]s$/.test(specifier)) {
      if (existsSync(new URL(`${specifier}.ts`, context.parentURL)))
        return next(`${specifier}.ts`, context);
    }
    return next(specifier, context);
  },
});

require(process.argv[2]);
