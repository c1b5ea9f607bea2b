import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot } from '@twinlog/testing';

/**
 * Pages served from 127.0.0.1 with nothing of Twinlog's server around them: the raw baselines
 * (a blank page; uPlot, the build the dashboard bundles, drawing a day of one-second points)
 * and the dashboard's chart component given the same points.
 */
export interface BarePages {
  url: string;
  close(): Promise<void>;
}

const UPLOT = join(repoRoot(), 'node_modules', 'uplot', 'dist');

// The points are made before the clock starts: the figure is uPlot's own work, from the
// constructor to its draw hook, as the dashboard's chart times its own.
const DRAW_SCRIPT = `
const n = Number(new URLSearchParams(location.search).get('points') || 86400);
const start = Date.parse('2026-11-20T00:00:00Z') / 1000;
const xs = new Float64Array(n), ys = new Float64Array(n);
for (let i = 0; i < n; i++) { xs[i] = start + i; ys[i] = 50 + 10 * Math.sin(i / 3600) + Math.sin(i * 7.3) * 2; }
const el = document.getElementById('chart');
const t0 = performance.now();
new uPlot({
  width: 960, height: 320, title: 'temperature, a day of one-second readings',
  series: [{}, { label: 'temperature', stroke: '#1f77b4', width: 1 }],
  hooks: { draw: [() => { const drawn = performance.now();
    requestAnimationFrame(() => { window.__drawn = { drawMs: drawn - t0, paintedMs: performance.now() - t0, points: n }; }); }] },
}, [xs, ys], el);
`;

const HTML = {
  blank:
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>blank</title></head><body></body></html>',
  uplot:
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>uPlot</title>' +
    '<link rel="stylesheet" href="/uPlot.min.css"></head><body><div id="chart"></div>' +
    '<script src="/uPlot.iife.min.js"></script><script src="/draw.js"></script></body></html>',
};

/**
 * The dashboard's own chart component (apps/dashboard/src/components/Chart.tsx) on a page of
 * its own, bundled as the dashboard is (esbuild, Preact), given the same points as bare uPlot.
 */
const APP_CHART_ENTRY = `
import { h, render } from 'preact';
import { Chart } from './apps/dashboard/src/components/Chart';
const n = Number(new URLSearchParams(location.search).get('points') || 86400);
const start = Date.parse('2026-11-20T00:00:00Z');
const times = new Array(n), values = new Array(n);
for (let i = 0; i < n; i++) { times[i] = start + i * 1000; values[i] = 50 + 10 * Math.sin(i / 3600) + Math.sin(i * 7.3) * 2; }
const el = document.getElementById('chart');
const t0 = performance.now();
render(h(Chart, { title: 'temperature', times, series: [{ label: 'temperature', unit: '°C', values }],
  summary: 'a day of one-second readings' }), el);
const check = () => el.querySelector('canvas')
  ? requestAnimationFrame(() => { window.__drawn = { paintedMs: performance.now() - t0, points: n }; })
  : requestAnimationFrame(check);
requestAnimationFrame(check);
`;

async function bundleAppChart(): Promise<{ js: string; css: string }> {
  const { build } = await import('esbuild');
  const result = await build({
    stdin: { contents: APP_CHART_ENTRY, resolveDir: repoRoot(), loader: 'ts' },
    bundle: true,
    write: false,
    format: 'iife',
    outdir: join(repoRoot(), 'tmp', 'bench-chart'),
    minify: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    tsconfig: join(repoRoot(), 'apps', 'dashboard', 'tsconfig.json'),
    logLevel: 'silent',
  });
  const of = (ext: string) => result.outputFiles.find((f) => f.path.endsWith(ext))?.text ?? '';
  return { js: of('.js'), css: of('.css') };
}

export async function serveBarePages(): Promise<BarePages> {
  const appChart = await bundleAppChart();
  const files: Record<string, [string, string]> = {
    '/app-chart': [
      'text/html',
      '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>chart</title>' +
        '<link rel="stylesheet" href="/app-chart.css"></head><body><div id="chart" style="width:960px"></div>' +
        '<script src="/app-chart.js"></script></body></html>',
    ],
    '/app-chart.js': ['text/javascript', appChart.js],
    '/app-chart.css': ['text/css', appChart.css],
    '/blank': ['text/html', HTML.blank],
    '/uplot': ['text/html', HTML.uplot],
    '/draw.js': ['text/javascript', DRAW_SCRIPT],
    '/uPlot.iife.min.js': [
      'text/javascript',
      readFileSync(join(UPLOT, 'uPlot.iife.min.js'), 'utf8'),
    ],
    '/uPlot.min.css': ['text/css', readFileSync(join(UPLOT, 'uPlot.min.css'), 'utf8')],
  };
  const server: Server = createServer((req, res) => {
    const file = files[new URL(req.url ?? '/', 'http://x').pathname];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': file[0] }).end(file[1]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Milliseconds from navigation start to the load event of a page already opened. */
export async function loadMs(page: Page): Promise<number> {
  return (await page.evaluate(
    "new Promise((r) => { const go = () => { const n = performance.getEntriesByType('navigation')[0]; n.loadEventEnd > 0 ? r(n.loadEventEnd) : setTimeout(go, 5); }; go(); })",
  )) as number;
}

export interface Drawn {
  /** Bare uPlot only: its constructor to its draw hook. */
  drawMs?: number;
  /** From the call that makes the chart to the frame after its canvas appeared. */
  paintedMs: number;
  points: number;
}

/** The figures a chart page leaves in `window.__drawn`. */
export async function chartDrawn(page: Page): Promise<Drawn> {
  await page.waitForFunction('window.__drawn !== undefined', undefined, { timeout: 60_000 });
  return (await page.evaluate('window.__drawn')) as Drawn;
}
