// The functions with the most self time in a V8 CPU profile (node --cpu-prof, or
// `npm run bench:decode-fold -- --profile <file>`), as shares of all samples:
//
//   node tools/dev/cpuprofile-top.cjs <file.cpuprofile> [how many, 25]
const { readFileSync } = require('node:fs');

const [file, count = '25'] = process.argv.slice(2);
if (!file) {
  console.error('usage: node tools/dev/cpuprofile-top.cjs <file.cpuprofile> [how many]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map();
let total = 0;
profile.samples.forEach((id, i) => {
  const micros = profile.timeDeltas[i] ?? 0;
  const { functionName, url, lineNumber } = nodes.get(id).callFrame;
  const where = url ? ` ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}` : '';
  const key = `${functionName || '(anonymous)'}${where}`;
  self.set(key, (self.get(key) ?? 0) + micros);
  total += micros;
});
console.log(`${(total / 1e6).toFixed(2)} s sampled`);
for (const [key, micros] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(count)))
  console.log(`${((100 * micros) / total).toFixed(1).padStart(5)}%  ${(micros / 1e3).toFixed(0).padStart(6)} ms  ${key}`);
