// Preloaded with `node -r` by the deploy tests: when the process exits, writes the files it
// loaded (one per line) to $TWINLOG_RECORD_MODULES, to check the image keeps what they need.
const { writeFileSync } = require('node:fs');

const target = process.env.TWINLOG_RECORD_MODULES;
if (target) process.on('exit', () => writeFileSync(target, Object.keys(require.cache).join('\n')));
