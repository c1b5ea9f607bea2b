// Dashboard benchmark (issue 21), in Debian's chromium (headless, a fresh context per run: a
// cold cache, as a first visit):
// - the overview's first render with a plant of 1,000 twins (1 line, 250 machines and their
//   spindles, tools and pumps, registered through the API of an embedded all-in-one): from
//   navigation start to the tree drawn with every twin counted (goal < 2 s); then how long a
//   scroll to the plant's end takes to show its last machine;
// - a day of one-second data (86,400 points): the dashboard's own chart component
//   (apps/dashboard/src/components/Chart.tsx, bundled as the dashboard bundles it) drawing them
//   on a page of its own (goal < 1 s to draw);
// each beside a raw baseline measured in the same run: a blank page's load from 127.0.0.1, and
// uPlot drawing the same 86,400 points on a bare page;
// - live: the same plant's 1,000 twins below the line each reporting a reading a second
//   (POST /v1/readings, one batch a second), with the overview and then a machine's page open
//   for --live-seconds each: the requests the page makes besides its stream, the main thread's
//   long tasks, and (twin page) how often the shown value changed.
//
//   npm run bench:dashboard -- [--runs 5] [--machines 250] [--live-seconds 30]
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { plantLayout, plantRegistrations } from '@twinlog/plant-sim';
import type { Page } from 'playwright-core';
import { startBrowser, type TestBrowser } from '@twinlog/testing';
import { ensureDashboardBuilt } from '@twinlog/app-dashboard';
import { startInProcessTwinlog } from '../../apps/all-in-one/src/testing/in-process-twinlog';
import { arg } from '../event-log/bench-util';
import { chartDrawn, loadMs, serveBarePages } from './bare-pages';

const RUNS = arg('runs', 5);
const MACHINES = arg('machines', 250);
const POINTS = 86_400;
const LIVE_SECONDS = arg('live-seconds', 30);

const progress = (line: string) => process.stderr.write(`[bench:dashboard] ${line}\n`);

interface Figure {
  label: string;
  runs: number[];
  goalMs?: number;
}

async function main(): Promise<void> {
  const figures: Figure[] = [];
  progress(`starting chromium; ${RUNS} runs per figure, load average ${loadavg()[0]!.toFixed(2)}`);
  const browser = await startBrowser();
  const bare = await serveBarePages();
  try {
    figures.push({
      label: 'baseline: blank page load (navigation start to load event)',
      runs: await repeat('blank page', () => timeBlankPage(browser, `${bare.url}/blank`)),
    });
    const points = POINTS.toLocaleString('en-US');
    figures.push({
      label: `baseline: uPlot alone, ${points} points (call to the frame after its canvas appeared)`,
      runs: await repeat('bare uPlot', () =>
        timeChart(browser, `${bare.url}/uplot?points=${POINTS}`),
      ),
    });
    figures.push({
      label: `the dashboard's Chart component, ${points} points (the same)`,
      runs: await repeat("the dashboard's Chart", () =>
        timeChart(browser, `${bare.url}/app-chart?points=${POINTS}`),
      ),
      goalMs: 1000,
    });
    figures.push(...(await overviewFigures(browser, (url) => liveLines.push(...url))));
  } finally {
    await browser.close();
    await bare.close();
  }
  report(figures);
  console.log(liveLines.join('\n'));
}

const liveLines: string[] = [];

async function overviewFigures(
  browser: TestBrowser,
  live: (lines: string[]) => void,
): Promise<Figure[]> {
  progress('building the dashboard if stale');
  const built = await ensureDashboardBuilt(progress);
  if (built === 'failed') throw new Error('the dashboard did not build: npm run build:dashboard');
  progress('starting an embedded all-in-one (no plant simulator)');
  const twinlog = await startInProcessTwinlog({
    env: { TWINLOG_DATA_DIR: mkdtempSync(join(tmpdir(), 'bench-dashboard-')) },
  });
  try {
    const count = await registerPlant(twinlog.url);
    const lastMachine = plantLayout(MACHINES).machines.at(-1)!.machine;
    const firstRender = await repeat(`overview of ${count} twins`, () =>
      timeOverview(browser, twinlog.url, count),
    );
    const scroll = await repeat(`scroll to ${lastMachine}`, () =>
      timeScrollToEnd(browser, twinlog.url, count, lastMachine),
    );
    live(await liveCase(browser, twinlog.url, count));
    return [
      {
        label: `overview first render, ${count.toLocaleString('en-US')} twins (navigation start to the tree drawn and counted)`,
        runs: firstRender,
        goalMs: 2000,
      },
      {
        label: `overview: scroll to the last machine (${lastMachine}) and see it drawn`,
        runs: scroll,
      },
    ];
  } finally {
    await twinlog.close();
  }
}

/** The plant, parent first, through POST /v1/twins (a line's machines registered 8 at a time). */
async function registerPlant(url: string): Promise<number> {
  const started = Date.now();
  const layout = plantLayout(MACHINES);
  const all = plantRegistrations(layout, new Date(Date.now() - 86_400_000).toISOString());
  // The process and its line first, one after the other; then each machine with its parts.
  const heads = all.filter((r) => r.twinId === layout.processId || r.twinId === layout.lineId);
  const rest = all.filter((r) => !heads.includes(r));
  const post = async (body: object) => {
    const answer = await fetch(`${url}/v1/twins`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (answer.status !== 201)
      throw new Error(`registering: ${answer.status} ${await answer.text()}`);
  };
  for (const head of heads) await post(head);
  const machines: Array<typeof rest> = [];
  for (let i = 0; i < rest.length; i += 4) machines.push(rest.slice(i, i + 4));
  let done = heads.length;
  for (let i = 0; i < machines.length; i += 8) {
    await Promise.all(
      machines.slice(i, i + 8).map(async (group) => {
        for (const twin of group) await post(twin);
        done += group.length;
      }),
    );
    if (i % 80 === 0) progress(`registered ${done} twins`);
  }
  progress(`registered ${done} twins in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return done;
}

/** One reading a second from every twin below the line (machines, spindles, tools, pumps). */
const LIVE_PROPERTY: Record<string, { property: string; unit: string; base: number }> = {
  machine: { property: 'temperature', unit: '°C', base: 35 },
  spindle: { property: 'temperature', unit: '°C', base: 45 },
  tool: { property: 'tool_wear', unit: '1', base: 0.2 },
  coolant: { property: 'flow_rate', unit: 'L/min', base: 20 },
};

/**
 * The plant reporting at 1 Hz while a page is open: starts the reporter, opens the overview,
 * then a machine's page, each for LIVE_SECONDS after it is drawn, and says what each cost.
 */
async function liveCase(browser: TestBrowser, url: string, count: number): Promise<string[]> {
  const layout = plantLayout(MACHINES);
  const twins = layout.machines.flatMap((ids) =>
    (Object.keys(LIVE_PROPERTY) as Array<keyof typeof ids>).map((role) => ({
      twinId: ids[role],
      ...LIVE_PROPERTY[role]!,
    })),
  );
  const reporter = startReporter(url, twins);
  try {
    await new Promise((r) => setTimeout(r, 3_000)); // the reporter up to speed
    const machine = layout.machines[0]!.machine;
    const overview = await watchPage(browser, `${url}/`, async (page) => {
      await timeOverviewDrawn(page, count);
    });
    const twinPage = await watchPage(
      browser,
      `${url}/twins/${encodeURIComponent(machine)}`,
      async (page) => {
        await page.getByTestId('live-value-temperature').waitFor();
      },
      `[data-testid="live-value-temperature"]`,
    );
    const sent = reporter.stats();
    const line = (what: string, w: Watched) =>
      `  ${what}: ${w.requests} requests besides the stream in ${LIVE_SECONDS} s (${(w.requests / LIVE_SECONDS).toFixed(2)}/s: ${w.paths}), ` +
      `long tasks ${w.longTaskMs.toFixed(0)} ms in ${w.longTasks} (${((w.longTaskMs / (LIVE_SECONDS * 1000)) * 100).toFixed(1)}% of the time)` +
      (w.valueChanges === undefined ? '' : `, the value shown changed ${w.valueChanges} times`);
    return [
      `\nLive: ${twins.length.toLocaleString('en-US')} twins reporting at 1 Hz (${(sent.readings / sent.seconds).toFixed(0)} readings/s accepted, ${sent.refused} refused; ingestion answered in ${sent.medianPostMs.toFixed(0)} ms median per batch of ${twins.length})`,
      line(`overview of ${count.toLocaleString('en-US')} twins`, overview),
      line(`twin page of ${machine}`, twinPage),
    ];
  } finally {
    await reporter.stop();
  }
}

interface Watched {
  requests: number;
  paths: string;
  longTasks: number;
  longTaskMs: number;
  valueChanges?: number;
}

/** Opens a page, waits until `ready`, then watches it for LIVE_SECONDS. */
async function watchPage(
  browser: TestBrowser,
  url: string,
  ready: (page: Page) => Promise<void>,
  valueSelector?: string,
): Promise<Watched> {
  progress(`live: watching ${url} for ${LIVE_SECONDS} s`);
  const page = await browser.openPage(url);
  try {
    await ready(page);
    await page.evaluate(`(() => {
      window.__long = { count: 0, ms: 0, changes: 0 };
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) { window.__long.count++; window.__long.ms += e.duration; }
      }).observe({ type: 'longtask' });
      const el = ${valueSelector ? `document.querySelector(${JSON.stringify(valueSelector)})` : 'null'};
      if (el) new MutationObserver(() => window.__long.changes++).observe(el, { childList: true, characterData: true, subtree: true });
    })()`);
    const seen = new Map<string, number>();
    const onRequest = (request: { url: () => string }) => {
      const { pathname: path, searchParams } = new URL(request.url());
      if (!path.startsWith('/v1/') || path === '/v1/stream') return;
      const key =
        path.replace(/^\/v1\/twins\/[^/]+/, '/v1/twins/<id>') +
        (searchParams.has('parentId') ? '?parentId=…' : '');
      seen.set(key, (seen.get(key) ?? 0) + 1);
    };
    page.on('request', onRequest);
    await new Promise((r) => setTimeout(r, LIVE_SECONDS * 1000));
    page.off('request', onRequest);
    const long = (await page.evaluate('window.__long')) as {
      count: number;
      ms: number;
      changes: number;
    };
    const requests = [...seen.values()].reduce((a, b) => a + b, 0);
    return {
      requests,
      paths: [...seen].map(([p, n]) => `${n} × ${p}`).join(', ') || 'none',
      longTasks: long.count,
      longTaskMs: long.ms,
      ...(valueSelector ? { valueChanges: long.changes } : {}),
    };
  } finally {
    await page.close();
  }
}

/** Posts one reading of every twin each second (one batch), until stopped. */
function startReporter(
  url: string,
  twins: Array<{ twinId: string; property: string; unit: string; base: number }>,
) {
  let stopped = false;
  let readings = 0;
  let refused = 0;
  const posts: number[] = [];
  const started = Date.now();
  const loop = (async () => {
    for (let tick = 0; !stopped; tick++) {
      const due = started + tick * 1000;
      await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
      const time = new Date().toISOString();
      const body = twins.map((t) => ({
        twinId: t.twinId,
        property: t.property,
        unit: t.unit,
        value: Math.round(t.base * (1 + 0.05 * Math.sin(tick / 5 + t.twinId.length)) * 1000) / 1000,
        time,
      }));
      const t0 = Date.now();
      const answer = await fetch(`${url}/v1/readings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      posts.push(Date.now() - t0);
      const result = (await answer.json()) as { accepted?: number; rejected?: number };
      readings += result.accepted ?? 0;
      refused += result.rejected ?? (answer.ok ? 0 : twins.length);
    }
  })();
  return {
    stats: () => ({
      readings,
      refused,
      seconds: (Date.now() - started) / 1000,
      medianPostMs: [...posts].sort((a, b) => a - b)[Math.floor(posts.length / 2)] ?? NaN,
    }),
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

async function timeBlankPage(browser: TestBrowser, url: string): Promise<number> {
  const page = await browser.openPage(url);
  try {
    return await loadMs(page);
  } finally {
    await page.close();
  }
}

async function timeChart(browser: TestBrowser, url: string): Promise<number> {
  const page = await browser.openPage(url);
  try {
    const drawn = await chartDrawn(page);
    if (drawn.points !== POINTS) throw new Error(`the chart drew ${drawn.points} points`);
    return drawn.paintedMs;
  } finally {
    await page.close();
  }
}

/**
 * From navigation start (performance.now() counts from it) to the first frame where the tree
 * shows rows and the summary counts every twin: the page has fetched, built and drawn the plant.
 */
async function timeOverview(browser: TestBrowser, url: string, count: number): Promise<number> {
  const page = await browser.openPage(`${url}/`);
  try {
    // A string evaluated over the DevTools protocol: the page's CSP forbids eval, which
    // waitForFunction's polling would need.
    return await timeOverviewDrawn(page, count);
  } finally {
    await page.close();
  }
}

/** performance.now() (ms since navigation start) at the first frame the tree shows every twin counted. */
async function timeOverviewDrawn(page: Page, count: number): Promise<number> {
  return (await page.evaluate(`new Promise((resolve) => {
      const check = () =>
        document.querySelector('[role=tree] [role=treeitem]') !== null &&
        (document.querySelector('.overview .summary')?.textContent ?? '').startsWith('${count} twins')
          ? resolve(performance.now()) : requestAnimationFrame(check);
      check();
    })`)) as number;
}

async function timeScrollToEnd(
  browser: TestBrowser,
  url: string,
  count: number,
  lastId: string,
): Promise<number> {
  const page = await browser.openPage(`${url}/`);
  try {
    await timeOverviewDrawn(page, count);
    const drawn = await page.evaluate(`new Promise((resolve) => {
      const view = document.querySelector('.tree-view');
      const t0 = performance.now();
      view.scrollTop = view.scrollHeight;
      const check = () => [...document.querySelectorAll('[role=treeitem] .twin-id')]
        .some((e) => e.textContent === ${JSON.stringify(lastId)})
        ? resolve(performance.now() - t0) : requestAnimationFrame(check);
      requestAnimationFrame(check);
    })`);
    return drawn as number;
  } finally {
    await page.close();
  }
}

async function repeat(what: string, once: () => Promise<number>): Promise<number[]> {
  progress(`${what}: a warm-up run, then ${RUNS}`);
  await once();
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    runs.push(await once());
    progress(`${what}: run ${i + 1}/${RUNS}: ${runs.at(-1)!.toFixed(0)} ms`);
  }
  return runs;
}

function report(figures: Figure[]): void {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(
    `\nDashboard benchmark: chromium headless, ${RUNS} runs each (median, min-max), load ${loadavg()[0]!.toFixed(2)}`,
  );
  for (const f of figures) {
    const m = median(f.runs);
    const goal =
      f.goalMs === undefined
        ? ''
        : m < f.goalMs
          ? `  (goal < ${f.goalMs} ms: met)`
          : `  (goal < ${f.goalMs} ms: MISSED)`;
    console.log(
      `  ${f.label}: ${m.toFixed(0)} ms (${Math.min(...f.runs).toFixed(0)}-${Math.max(...f.runs).toFixed(0)})${goal}`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
