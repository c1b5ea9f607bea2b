// Starts a simulation worker thread from its TypeScript source (tests, `npm start`, the image)
// through the project's own loader, which resolves the path aliases the physics imports. The
// entry comes as the thread's first argument (startWorker in pool-thread.ts).
'use strict';
require('@swc-node/register');
require(process.argv[2]);
