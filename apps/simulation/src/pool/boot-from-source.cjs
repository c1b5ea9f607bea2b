// Starts a simulation worker thread from its TypeScript source (tests, `npm start`, the image)
// through the project's own loader (tools/dev/register.cjs: swc's output with the path aliases
// the physics imports resolved, from the on-disk cache). The entry comes as the thread's first
// argument (startWorker in pool-thread.ts).
'use strict';
require('../../../../tools/dev/register.cjs');
require(process.argv[2]);
