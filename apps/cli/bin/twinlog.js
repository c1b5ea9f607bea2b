#!/usr/bin/env node
// `npx twinlog ...`: runs the CLI on the project's Node (fetched and cached by with-node.sh if
// the machine's is older) with the TypeScript sources, wherever it is invoked from.
const { spawnSync } = require('node:child_process');
const { realpathSync } = require('node:fs');
const { join } = require('node:path');

const root = join(realpathSync(__dirname), '..', '..', '..');
const result = spawnSync(
  'bash',
  [
    join(root, 'tools', 'dev', 'with-node.sh'),
    'node',
    '-r',
    join(root, 'tools', 'dev', 'register.cjs'),
    join(root, 'apps', 'cli', 'src', 'main.ts'),
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit', env: { ...process.env, TWINLOG_CALLER_CWD: process.cwd() } },
);
process.exit(result.status ?? 1);
