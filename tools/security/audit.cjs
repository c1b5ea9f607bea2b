// `npm run audit`: the dependency audit where the advisory database can be reached, and a plain
// statement that it was skipped where it cannot (some registries answer audit requests with 405).
'use strict';
const { spawnSync } = require('node:child_process');

const run = spawnSync('npm', ['audit', '--json', ...process.argv.slice(2)], { encoding: 'utf8' });
let report;
try {
  report = JSON.parse(run.stdout || '{}');
} catch {
  report = {};
}
// A finished audit reports its counts in metadata; anything else means it did not run.
if (!report.metadata?.vulnerabilities) {
  const why = String(
    report.message ?? report.error?.summary ?? report.error?.detail ?? run.stderr ?? run.error ?? '',
  )
    .trim()
    .split('\n')[0];
  process.stdout.write(
    `audit SKIPPED: the registry did not answer the audit request (${why || 'no answer'}).\n` +
      'Nothing was checked. Run `npm run audit` where registry.npmjs.org is reachable (SECURITY.md).\n',
  );
  process.exit(0);
}
const counts = report.metadata?.vulnerabilities ?? {};
const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
process.stdout.write(
  `audit: ${total} known vulnerabilities (${Object.entries(counts)
    .map(([level, n]) => `${level} ${n}`)
    .join(', ')})\n`,
);
for (const [name, v] of Object.entries(report.vulnerabilities ?? {}))
  process.stdout.write(`  ${v.severity} ${name} ${v.range ?? ''}\n`);
process.exit(counts.high || counts.critical ? 1 : 0);
