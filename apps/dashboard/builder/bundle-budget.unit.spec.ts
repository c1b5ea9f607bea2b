import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
});
