import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chunkSizes, kB, pageFiles } from './bundle-sizes';
import { buildDashboard } from './dashboard-build';
import { staleness } from './staleness';
import { hashInputs } from './build-inputs';

/** Decision 7 of docs/adr/0020-dashboard-stack.md: the first page under 300 kB gzipped (aim: 60). */
const FIRST_PAGE_BUDGET = 300_000;

describe('the dashboard bundle', () => {
  let outDir: string;
  beforeAll(() => {
    outDir = join(mkdtempSync(join(tmpdir(), 'dashboard-budget-')), 'dashboard');
  });
  afterAll(() => rmSync(join(outDir, '..'), { recursive: true, force: true }));

  it('builds, and its first page (index.html, the shell and the overview) stays within the budget', async () => {
    const built = await buildDashboard(outDir);
    const sizes = chunkSizes(outDir, built.metafile);
    const first = new Set(
      pageFiles(outDir, built.metafile, 'apps/dashboard/src/pages/overview/OverviewPage.tsx'),
    );
    const firstPage = sizes.filter((s) => first.has(s.file));
    const total = firstPage.reduce((sum, s) => sum + s.gzipBytes, 0);
    console.log(
      [
        `dashboard built in ${Math.round(built.ms)} ms; gzipped sizes (* = on the first page):`,
        ...sizes.map(
          (s) =>
            `  ${first.has(s.file) ? '*' : ' '} ${s.file.padEnd(34)} ${kB(s.gzipBytes).padStart(9)}${s.entryPoint ? `  ${s.entryPoint}` : ''}`,
        ),
        `first page: ${kB(total)} of ${kB(FIRST_PAGE_BUDGET)}`,
      ].join('\n'),
    );
    expect(firstPage.length).toBeGreaterThanOrEqual(4); // html, entry JS, CSS, the overview's chunk
    expect(total).toBeLessThan(FIRST_PAGE_BUDGET);
    // uPlot is drawn on the chart pages only: it is not in the first page's files.
    for (const file of first)
      if (file.endsWith('.js'))
        expect(readFileSync(join(outDir, file), 'utf8')).not.toContain('uplot');
  });

  it('writes a stamp that makes the build fresh, and an index.html with its title and hashed assets', async () => {
    const stampText = readFileSync(join(outDir, 'build-stamp.json'), 'utf8');
    expect(staleness(stampText, hashInputs(), () => true)).toEqual({ stale: false });
    const html = readFileSync(join(outDir, 'index.html'), 'utf8');
    expect(html).toMatch(/<title>Twinlog<\/title>/);
    expect(html).toMatch(/<script type="module" src="\/assets\/main-[A-Z0-9]+\.js"><\/script>/);
    expect(html).not.toContain('<!--twinlog:assets-->');
  });

  it("rebuilds in place: the page is served throughout, and the previous build's assets stay for open tabs", async () => {
    const dirBefore = statSync(outDir).ino;
    const stampFile = join(outDir, 'build-stamp.json');
    const stamp = JSON.parse(readFileSync(stampFile, 'utf8')) as { assets?: string[] };
    // The build before this one wrote chunk-PREVIOUS.js; chunk-ANCIENT.js is from the one before that.
    for (const name of ['chunk-PREVIOUS.js', 'chunk-ANCIENT.js'])
      writeFileSync(join(outDir, 'assets', name), 'export {};');
    writeFileSync(
      stampFile,
      JSON.stringify({ ...stamp, assets: [...(stamp.assets ?? []), 'chunk-PREVIOUS.js'] }),
    );
    // Another thread looks for index.html as fast as it can while the rebuild runs.
    const watcher = new Worker(
      `const { existsSync } = require('node:fs');
       const { parentPort, workerData } = require('node:worker_threads');
       let looks = 0, missing = 0, stop = false;
       parentPort.on('message', () => { stop = true; });
       (function look() {
         for (let i = 0; i < 200; i++) { looks++; if (!existsSync(workerData)) missing++; }
         if (stop) parentPort.postMessage({ looks, missing }); else setImmediate(look);
       })();`,
      { eval: true, workerData: join(outDir, 'index.html') },
    );
    const counted = new Promise<{ looks: number; missing: number }>((done) =>
      watcher.once('message', done),
    );
    await buildDashboard(outDir);
    watcher.postMessage('stop');
    const { looks, missing } = await counted;
    await watcher.terminate();
    expect(looks).toBeGreaterThan(0);
    expect(missing).toBe(0);
    expect(statSync(outDir).ino).toBe(dirBefore); // never removed and renamed
    expect(existsSync(join(outDir, 'assets', 'chunk-PREVIOUS.js'))).toBe(true);
    expect(existsSync(join(outDir, 'assets', 'chunk-ANCIENT.js'))).toBe(false);
    const rebuilt = JSON.parse(readFileSync(stampFile, 'utf8')) as {
      assets: string[];
      inputs: string;
    };
    expect(
      staleness(JSON.stringify(rebuilt), hashInputs(), (f) => existsSync(join(outDir, f))),
    ).toEqual({ stale: false });
    for (const name of rebuilt.assets) expect(existsSync(join(outDir, 'assets', name))).toBe(true);
  });
});
