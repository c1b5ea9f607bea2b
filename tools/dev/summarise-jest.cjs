// Prints jest's totals as one plain line ("tests: N passed, N failed, N skipped") that any CI
// reader understands, from the JSON report `npm test -- --json --outputFile=...` writes.
const { readFileSync } = require('node:fs');

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const skipped = report.numPendingTests + report.numTodoTests;
console.log(`tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`);
if (report.numTotalTests === 0) {
  console.error('jest ran no test');
  process.exit(1);
}
