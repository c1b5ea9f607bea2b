import type { Locator, Page } from 'playwright-core';
import {
  checkAccessibility,
  pageErrors,
  saveScreenshot,
  TABLET,
  type AiReply,
  type RecordedAiRequest,
} from '@twinlog/testing';
import type { OpenAiCompatibleServer } from '@twinlog/testing';
import type { DashboardRig } from './dashboard-rig';
import { eventually } from './twinlog-process';

/*
 * What a person does on the dashboard, as the browser specs check it. The selectors are the
 * contract between the pages and these tests (apps/dashboard: keep them when a page changes):
 * - the overview shows each twin's id as text (the issue's contract) in a tree (role "tree"),
 *   with an "Expand all" button;
 * - the twin page (/twins/<id>) and the others: the data-testids of docs/dashboard.md's tables
 *   (`live-value-<property>`, `anomaly-item`, `anomaly-evidence`, `time-slider`, `state-as-of`,
 *   `subtree-diff-twin` with `data-twin`, `what-if-link` only for roles that may run a scenario,
 *   `scenario-run`, `scenario-chart`, `alert-row` with `data-alert-id`, `alert-status`,
 *   `alert-acknowledge`, `alert-assign`, `alert-resolve`, `record-maintenance` only for roles
 *   that may use them); the moment shown is `?at=` in the URL; the maintenance report's
 *   `maintenance-report-ask`, `maintenance-report-text`, `maintenance-report-cite` (with
 *   `data-figure`, the figure's id) and `maintenance-report-figures`;
 * - every chart's figure says what uPlot drew: `data-series` (the series' names, then `band` for
 *   each filled band) and `data-points` (finite points), so a test checks the data, not the ink.
 */

export const TEST_TWIN = 'browser-cnc';
const WAIT_MS = 60_000;

/** The page's text in `locator` once it matches (the stream updates the page in its own time). */
export async function untilText(locator: Locator, pattern: RegExp, what: string): Promise<string> {
  const deadline = Date.now() + WAIT_MS;
  let last = '';
  while (Date.now() < deadline) {
    last = ((await locator.allTextContents().catch(() => [])) as string[]).join(' | ');
    if (pattern.test(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `${what}: no text matching ${pattern} within ${WAIT_MS} ms; last seen: "${last.slice(0, 500)}"`,
  );
}

/** What a chart's figure says uPlot drew (`data-series`, `data-points`). */
export interface Drawn {
  series: string[];
  points: number;
}

/** A chart's `data-series` and `data-points` once `ok` holds for them (the chart draws in its own time). */
export async function untilDrawn(
  chart: Locator,
  ok: (drawn: Drawn) => boolean,
  what: string,
): Promise<Drawn> {
  const deadline = Date.now() + WAIT_MS;
  let last: Drawn = { series: [], points: 0 };
  while (Date.now() < deadline) {
    const [series, points] = await Promise.all([
      chart.getAttribute('data-series', { timeout: 1000 }).catch(() => null),
      chart.getAttribute('data-points', { timeout: 1000 }).catch(() => null),
    ]);
    last = { series: series ? series.split(',') : [], points: Number(points ?? 0) };
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what}: not drawn within ${WAIT_MS} ms; last drawn: ${JSON.stringify(last)}`);
}

/**
 * A screenshot kept as an artifact, an axe-core check, and no uncaught script error nor a console
 * refusal (a content security policy's "Refused to …").
 */
export async function checkPage(page: Page, name: string): Promise<void> {
  await saveScreenshot(page, name);
  await checkAccessibility(page);
  expectNoPageErrors(page);
}

export function expectNoPageErrors(page: Page): void {
  const errors = pageErrors(page);
  if (errors.length > 0)
    throw new Error(`the page threw or was refused:\n  ${errors.join('\n  ')}`);
}

/** Registers the tests' own machine, fed only by the tests, so its values are known. */
export async function registerTestTwin(
  rig: DashboardRig,
  twinId = TEST_TWIN,
  more: { twinType?: string; parentId?: string; commissionedAt?: string } = {},
): Promise<void> {
  const answer = await rig.api('/v1/twins', {
    body: {
      twinId,
      twinType: 'cnc-milling-machine',
      site: 'demo-plant',
      commissionedAt: new Date(Date.now() - 3600_000).toISOString(),
      ...more,
    },
  });
  if (answer.status !== 201 && answer.status !== 409)
    throw new Error(`registering ${twinId}: ${answer.status} ${JSON.stringify(answer.body)}`);
}

let readingNumber = 0;
/** Temperature readings of the test twin, one second apart ending now; returns their times. */
export async function sendTemperatures(
  rig: DashboardRig,
  values: number[],
  twinId = TEST_TWIN,
): Promise<string[]> {
  const end = Date.now();
  const readings = values.map((value, i) => ({
    twinId,
    property: 'temperature',
    value,
    time: new Date(end - (values.length - 1 - i) * 1000).toISOString(),
    readingId: `browser-${process.pid}-${++readingNumber}`,
  }));
  const answer = await rig.api('/v1/readings', { body: readings });
  if (answer.status !== 200)
    throw new Error(`readings: ${answer.status} ${JSON.stringify(answer.body)}`);
  return readings.map((r) => r.time);
}

/** The demo plant's ids, once the plant simulator registered them. */
export async function demoPlantIds(rig: DashboardRig): Promise<string[]> {
  const { body } = await eventually(
    () => rig.api<{ twins: Array<{ twinId: string }> }>('/v1/twins?limit=1000'),
    (r) => r.status === 200 && r.body.twins.some((t) => t.twinId === 'cnc-01-tool'),
    'the demo plant registered by the plant simulator',
    WAIT_MS,
  );
  return body.twins.map((t) => t.twinId);
}

export async function overviewShowsThePlant(rig: DashboardRig): Promise<void> {
  const ids = (await demoPlantIds(rig)).filter((id) => id !== TEST_TWIN);
  for (const [name, viewport] of [
    ['overview', undefined],
    ['overview-tablet', TABLET],
  ] as const) {
    const page = await rig.open('/', viewport ? { viewport } : {});
    expect(await page.title()).toContain('Twinlog');
    const tree = page.getByRole('tree');
    // The top levels are open at first (the process and the line, or the line and its
    // machines); every part once expanded.
    await untilText(tree, /line-1/, 'the overview: the production line');
    await page.getByRole('button', { name: /expand all/i }).click();
    const shown = await untilText(tree, /cnc-03-coolant/, 'the overview: every part');
    expect(ids.filter((id) => !shown.includes(id))).toEqual([]);
    if (viewport) {
      // A tablet: the page fits its width (no sideways scrolling).
      const widths = (await page.evaluate(
        '[document.documentElement.scrollWidth, window.innerWidth]',
      )) as [number, number];
      expect(widths[0]).toBeLessThanOrEqual(widths[1]);
    }
    await checkPage(page, name);
    await page.close();
  }
}

export async function liveValueChanges(rig: DashboardRig): Promise<void> {
  await registerTestTwin(rig);
  await sendTemperatures(rig, [41.5]);
  const page = await rig.open(`/twins/${TEST_TWIN}`);
  const value = page.getByTestId('live-value-temperature');
  await untilText(value, /41\.5/, 'the first temperature');
  // Marks this document: a reload or navigation would lose it, a live update keeps it.
  await page.evaluate('window.__sameDocument = true');
  await sendTemperatures(rig, [47.5]);
  await untilText(value, /47\.5/, 'the temperature after a new reading');
  expect(await page.evaluate('window.__sameDocument === true')).toBe(true);
  // The telemetry chart draws the temperature's points (its data, not merely its axes).
  const chart = page.getByTestId('telemetry').locator('figure.chart').first();
  await untilDrawn(
    chart,
    (d) => d.series.includes('temperature') && d.points > 0,
    'the temperature chart',
  );
  await checkPage(page, 'twin-live-values');
  await page.close();
}

export async function anomalyWithEvidence(rig: DashboardRig): Promise<void> {
  await registerTestTwin(rig);
  await sendTemperatures(rig, [92.5, 92.5, 92.5]);
  await eventually(
    () => rig.api<{ activeAnomalies: Record<string, unknown> }>(`/v1/twins/${TEST_TWIN}`),
    (r) => Object.keys(r.body?.activeAnomalies ?? {}).length > 0,
    `an open anomaly on ${TEST_TWIN}`,
    WAIT_MS,
  );
  const page = await rig.open(`/twins/${TEST_TWIN}`);
  const anomaly = page.getByTestId('anomaly-item');
  await untilText(anomaly, /temperature/i, 'the anomaly');
  // Its evidence: observed 92.5 against the model's normal band (15 to 65 °C).
  const evidence = anomaly.getByTestId('anomaly-evidence');
  const text = await untilText(
    evidence,
    /92\.5[\s\S]*65|65[\s\S]*92\.5/,
    "the anomaly's evidence (observed against expected)",
  );
  expect(text).toMatch(/temperature/i);
  await checkPage(page, 'twin-anomaly');
  await page.close();
}

let sliderRun = 0;

/** The `at` of a page's URL (the moment the slider committed), or null. */
const atOf = (page: Page) => new URL(page.url()).searchParams.get('at');

/** Waits for the page's URL (changed in place by the router's history calls) to satisfy `ok`. */
async function untilUrl(page: Page, ok: (url: URL) => boolean, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!ok(new URL(page.url()))) {
    if (Date.now() > deadline) {
      const slider = await page
        .getByTestId('time-slider')
        .inputValue()
        .catch(() => '?');
      throw new Error(`${what}: the URL stayed ${page.url()} (slider at ${slider})`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until the page shows the state as of its URL's `at`; returns its temperature row ('' if none). */
async function stateAsOfUrl(page: Page): Promise<string> {
  const at = atOf(page);
  if (!at) throw new Error(`the slider set no moment in the URL (${page.url()})`);
  const asOf = page.getByTestId('state-as-of');
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    const shown = await asOf.getAttribute('data-at', { timeout: 1000 }).catch(() => null);
    if (shown && Date.parse(shown) === Date.parse(at)) {
      // The twin as it was (a table of values), not what changed since (a list below it).
      const rows = await asOf.getByRole('row', { name: /temperature/ }).allInnerTexts();
      return rows.join(' | ');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the state as of ${at} was not shown within ${WAIT_MS} ms`);
}

/**
 * On the live page: Home moves the slider to the machine's registration, Page Up moves it on
 * until the state shown is the older reading; the URL holds the moment, the panel the older
 * value and what changed since; then "Whole subtree" shows the changes twin by twin.
 */
export async function timeSliderShowsOlderState(rig: DashboardRig): Promise<void> {
  // A machine of its own, commissioned 30 s ago: the slider spans under a minute, so Page Up (a
  // tenth of it, floored to whole seconds) steps about 3 s and lands between readings 5 s apart.
  const machine = `${TEST_TWIN}-slider-${process.pid}-${++sliderRun}`;
  await registerTestTwin(rig, machine, {
    commissionedAt: new Date(Date.now() - 30_000).toISOString(),
  });
  await sendTemperatures(rig, [33.5], machine);
  await new Promise((r) => setTimeout(r, 5000));
  await sendTemperatures(rig, [58.5], machine);
  // A tool fitted after the older moment: new in the subtree since then.
  await registerTestTwin(rig, `${machine}-tool`, {
    twinType: 'cutting-tool',
    parentId: machine,
    commissionedAt: new Date().toISOString(),
  });
  await new Promise((r) => setTimeout(r, 500));
  const page = await rig.open(`/twins/${machine}`);
  await untilText(page.getByTestId('live-value-temperature'), /58\.5/, 'the latest temperature');
  expect(atOf(page)).toBeNull();
  const slider = page.getByTestId('time-slider');
  await slider.focus();
  await slider.press('Home');
  // The registration: no reading yet.
  await untilUrl(page, (url) => url.searchParams.has('at'), 'Home set the moment');
  expect(await stateAsOfUrl(page)).toBe('');
  // Page Up: about a tenth of the span at a time (less: each moment is floored to the second),
  // until the older reading is the state shown; never the newer one on the way.
  let shown = '';
  for (let step = 0; step < 20 && !/33\.5/.test(shown); step++) {
    const before = atOf(page);
    await slider.press('PageUp');
    await untilUrl(
      page,
      (url) => url.searchParams.get('at') !== before,
      'Page Up moved the moment',
    );
    shown = await stateAsOfUrl(page);
    expect(shown).not.toMatch(/58\.5/);
  }
  expect(shown).toMatch(/33\.5/);
  const asOf = page.getByTestId('state-as-of');
  await untilText(
    asOf.getByTestId('state-diff'),
    /temperature[\s\S]*33\.5[\s\S]*58\.5/,
    'what changed since: temperature 33.5 to 58.5',
  );
  // The moment is in the URL: the link, opened elsewhere, shows the same older state.
  const link = new URL(page.url());
  const shared = await rig.open(`${link.pathname}${link.search}`);
  await untilText(shared.getByTestId('state-as-of'), /33\.5/, 'the shared link to that moment');
  await shared.close();
  await checkPage(page, 'time-slider');
  // Over the subtree: what changed since, twin by twin (the tool fitted since is new).
  const at = atOf(page);
  await page.getByLabel(/whole subtree/i).check();
  await untilUrl(
    page,
    (url) => url.searchParams.get('subtree') === 'true',
    'the subtree in the URL',
  );
  expect(atOf(page)).toBe(at);
  const changed = page.locator(`[data-testid=subtree-diff-twin][data-twin="${machine}"]`);
  await untilText(changed, /temperature[\s\S]*33\.5[\s\S]*58\.5/, "the machine's change");
  const fitted = page.locator(`[data-testid=subtree-diff-twin][data-twin="${machine}-tool"]`);
  await untilText(fitted, /added/, 'the tool fitted since');
  await checkPage(page, 'time-slider-subtree');
  await page.close();
}

/** The demo tool's remaining life: the P10-P90 band shaded, with its key and its sentence. */
export async function healthBandIsShaded(rig: DashboardRig): Promise<void> {
  await demoPlantIds(rig);
  const tool = 'cnc-01-tool';
  await eventually(
    () => rig.api<{ total: number }>(`/v1/twins/${tool}/maintenance/history`),
    (r) => r.status === 200 && r.body.total > 0,
    `a maintenance prediction for ${tool}`,
    WAIT_MS,
  );
  const page = await rig.open(`/twins/${tool}`);
  const chart = page.locator('figure.chart', { hasText: /remaining useful life/i });
  await chart.locator('canvas').first().waitFor({ timeout: WAIT_MS });
  await untilText(chart.locator('.chart-legend'), /P10–P90 band/, 'the band in the key');
  // A young tool's prediction is beyond the model's horizon (P10 = P90): the sentence says so.
  await untilText(
    chart,
    /latest remaining life (no failure expected within|[\d.,]+ h \(median\), shaded band from P10 to P90 [\d.,]+–[\d.,]+ h)/,
    "the band's summary",
  );
  // What uPlot drew: the median, both edges and the band between them, with their points.
  await untilDrawn(
    chart,
    (d) =>
      ['median (P50)', 'P10', 'P90', 'band'].every((n) => d.series.includes(n)) && d.points >= 3,
    'the remaining-life chart',
  );
  // An admin may record maintenance done; a viewer sees the same panel with no such button.
  expect(await page.getByTestId('record-maintenance').count()).toBe(1);
  await checkPage(page, 'twin-health');
  await page.close();
  const asViewer = await rig.open(`/twins/${tool}`, { apiKey: await createKey(rig, 'viewer') });
  await asViewer.getByTestId('maintenance-recommendation').waitFor({ timeout: WAIT_MS });
  expect(await asViewer.getByTestId('record-maintenance').count()).toBe(0);
  await asViewer.close();
}

export async function scenarioDrawsItsChart(rig: DashboardRig): Promise<void> {
  await demoPlantIds(rig);
  // A viewer may not run a scenario: the twin page offers them no "What if…", the form no Run.
  const viewerKey = await createKey(rig, 'viewer');
  const asViewer = await rig.open('/twins/cnc-01', { apiKey: viewerKey });
  await asViewer.getByTestId('time-slider').waitFor({ timeout: WAIT_MS });
  expect(await asViewer.getByTestId('what-if-link').count()).toBe(0);
  await asViewer.close();
  const formAsViewer = await rig.open('/what-if?twin=cnc-01', { apiKey: viewerKey });
  await formAsViewer.getByTestId('scenario-form').waitFor({ timeout: WAIT_MS });
  expect(await formAsViewer.getByTestId('scenario-run').count()).toBe(0);
  await formAsViewer.close();
  // The twin page leads to what-if with that twin chosen.
  const page = await rig.open('/twins/cnc-01');
  await page.getByTestId('what-if-link').click();
  await page.waitForURL(/\/what-if\?(.*&)?twin=cnc-01(&|$)/, { timeout: WAIT_MS });
  // The form's first field is the twin (its label's accessible name includes the chosen one).
  const twinField = page.getByTestId('scenario-form').locator('select').first();
  await twinField.waitFor({ timeout: WAIT_MS });
  expect(await twinField.inputValue()).toBe('cnc-01');
  // The progress shows while the run lasts, however short: a watcher notes that it appeared.
  await page.evaluate(WATCH_PROGRESS);
  await page.getByTestId('scenario-run').click();
  const chart = page.getByTestId('scenario-chart');
  // What uPlot drew (not the ink: axes and grid alone ink a canvas): the scenario, the
  // baseline, both edges of the Monte Carlo band and the band filled between them.
  const drawn = await untilDrawn(
    chart,
    (d) =>
      ['scenario', 'baseline', 'band-high', 'band-low', 'band'].every((n) => d.series.includes(n)),
    'the scenario chart',
  );
  // The default run's grid is hundreds of points; each of the four lines holds them.
  expect(drawn.points).toBeGreaterThanOrEqual(4 * 100);
  expect(await page.evaluate('window.__progressSeen === true')).toBe(true);
  await checkPage(page, 'what-if');
  await page.close();
}

/** Notes in `window.__progressSeen` whether the run's progress element ever appears. */
const WATCH_PROGRESS = `(() => {
  window.__progressSeen = false;
  const look = () => {
    if (document.querySelector('[data-testid=scenario-progress] progress')) window.__progressSeen = true;
  };
  new MutationObserver(look).observe(document.body, { subtree: true, childList: true, attributes: true });
  look();
})()`;

interface Alert {
  alertId: string;
  status: string;
}

export async function alertIsAcknowledged(rig: DashboardRig): Promise<void> {
  await registerTestTwin(rig);
  await sendTemperatures(rig, [93.5, 93.5]);
  const { body } = await eventually(
    () => rig.api<{ alerts: Alert[] }>(`/v1/alerts?status=open&twinId=${TEST_TWIN}`),
    (r) => r.status === 200 && r.body.alerts.length > 0,
    `an open alert on ${TEST_TWIN} (the demo's default rule)`,
    WAIT_MS,
  );
  const alertId = body.alerts[0]!.alertId;
  // A viewer sees the alert but no button they cannot use.
  const viewerKey = await createKey(rig, 'viewer');
  const asViewer = await rig.open('/alerts', { apiKey: viewerKey });
  const viewerRow = asViewer.locator(`[data-testid=alert-row][data-alert-id="${alertId}"]`);
  await viewerRow.waitFor({ timeout: WAIT_MS });
  for (const button of ['alert-acknowledge', 'alert-assign', 'alert-resolve'])
    expect(await viewerRow.getByTestId(button).count()).toBe(0);
  await asViewer.close();

  const page = await rig.open('/alerts');
  const row = page.locator(`[data-testid=alert-row][data-alert-id="${alertId}"]`);
  // An admin has every button the viewer lacked.
  await row.getByTestId('alert-acknowledge').waitFor({ timeout: WAIT_MS });
  for (const button of ['alert-assign', 'alert-resolve'])
    expect(await row.getByTestId(button).count()).toBe(1);
  await row.getByTestId('alert-acknowledge').click();
  await untilText(row.getByTestId('alert-status'), /acknowledged/i, 'the alert acknowledged');
  const after = await rig.api<Alert>(`/v1/alerts/${alertId}`);
  expect(after.body.status).toBe('acknowledged');
  await checkPage(page, 'alerts');
  await page.close();
}

/** A new API key of `role` for every site, made through the admin API. */
export async function createKey(rig: DashboardRig, role: 'viewer' | 'operator'): Promise<string> {
  const answer = await rig.api<{ key?: string }>('/v1/admin/keys', {
    body: { name: `browser-${role}`, role, sites: '*' },
  });
  const key = answer.body.key;
  if (answer.status !== 201 || !key)
    throw new Error(`creating a ${role} key: ${answer.status} ${JSON.stringify(answer.body)}`);
  return key;
}

/** Each page but the overview (which its own journey tries) at a tablet's 768×1024. */
export async function everyPageFitsATablet(rig: DashboardRig): Promise<void> {
  await demoPlantIds(rig);
  const pages: Array<[name: string, path: string, ready: string, signedIn?: boolean]> = [
    ['login-tablet', '/', 'login', false],
    ['twin-tablet', '/twins/cnc-01', 'time-slider'],
    ['twin-health-tablet', '/twins/cnc-01-tool', 'maintenance-recommendation'],
    ['process-tablet', '/twins/machining-1', 'time-slider'],
    ['alerts-tablet', '/alerts', 'alerts'],
    ['what-if-tablet', '/what-if?twin=cnc-01', 'scenario-form'],
  ];
  for (const [name, path, ready, signedIn = true] of pages) {
    const page = await rig.open(path, { viewport: TABLET, signedIn });
    if (ready === 'login') await page.getByLabel(/your api key/i).waitFor({ timeout: WAIT_MS });
    else if (ready === 'alerts')
      await page.getByRole('heading', { level: 1 }).waitFor({ timeout: WAIT_MS });
    else await page.getByTestId(ready).waitFor({ timeout: WAIT_MS });
    // Nothing scrolls sideways.
    const [scroll, inner] = (await page.evaluate(
      '[document.documentElement.scrollWidth, window.innerWidth]',
    )) as [number, number];
    if (scroll > inner) throw new Error(`${path} at 768×1024 scrolls sideways: ${scroll} px wide`);
    await checkPage(page, name);
    await page.close();
  }
}

/** What the browser spec's local model server says of a window (its second-opinion answer). */
export const AI_FINDING_SUMMARY = 'The readings drift apart more than usual (browser test).';

/**
 * The AI second opinion of a demo machine (the rig's anomaly worker asks the spec's local
 * OpenAI-compatible server) shows on its twin page in its own panel, labelled as such, and not
 * in the anomaly timeline.
 */
export async function aiSecondOpinionIsLabelled(rig: DashboardRig): Promise<void> {
  const twinId = 'cnc-01';
  try {
    await eventually(
      () => rig.api<{ events?: unknown[] }>(`/v1/twins/${twinId}/events?types=AiFindingRecorded`),
      (r) => (r.body?.events?.length ?? 0) > 0,
      `an AI finding on ${twinId}`,
      2 * WAIT_MS,
    );
  } catch (timedOut) {
    // Why none came (asked, failed, skipped): the anomaly worker's own counts.
    const worker = await rig.api<{ secondOpinion?: unknown }>('/v1/worker');
    throw new Error(
      `${String(timedOut)}; second opinion: ${JSON.stringify(worker.body?.secondOpinion)}`,
    );
  }
  const page = await rig.open(`/twins/${twinId}`);
  const panel = page.getByTestId('ai-findings');
  await untilText(panel, /AI second opinion/, 'the AI second opinion panel');
  const item = panel.getByTestId('ai-finding-item').first();
  const text = await untilText(item, /drift apart/, 'the finding');
  expect(text).toMatch(/AI second opinion/);
  const timeline = await page.locator('section[aria-labelledby="anomalies-title"]').innerText();
  expect(timeline).not.toContain(AI_FINDING_SUMMARY);
  await checkPage(page, 'twin-ai-second-opinion');
  await page.close();
}

/**
 * An anomaly explained by the AI layer (issue 22): a viewer gets no "Explain" button; an admin
 * clicks it, the page shows the model's summary, causes and checks, labelled as the model's, the
 * local model server got one request for it, and the alert of the episode carries it.
 */
export async function anomalyIsExplained(
  rig: DashboardRig,
  ai: OpenAiCompatibleServer,
): Promise<void> {
  const twinId = 'browser-explain';
  await registerTestTwin(rig, twinId);
  await sendTemperatures(rig, [94.5, 94.5, 94.5], twinId);
  const { body } = await eventually(
    () => rig.api<{ activeAnomalies: Record<string, unknown> }>(`/v1/twins/${twinId}`),
    (r) => Object.keys(r.body?.activeAnomalies ?? {}).length > 0,
    `an open anomaly on ${twinId}`,
    WAIT_MS,
  );
  const episodeId = Object.keys(body.activeAnomalies)[0]!;

  const viewer = await rig.open(`/twins/${twinId}`, { apiKey: await createKey(rig, 'viewer') });
  await untilText(viewer.getByTestId('anomaly-item'), /temperature/i, 'the anomaly (viewer)');
  // Time for the AI status to arrive, had the page asked it: a viewer's page never shows the button.
  await new Promise((r) => setTimeout(r, 1500));
  expect(await viewer.getByTestId('anomaly-explain').count()).toBe(0);
  await viewer.close();

  // The demo machines' second opinions ask the same server meanwhile: this answer is for an
  // explanation only, and only explanation requests are counted.
  const explanations = () =>
    ai
      .chatRequests()
      .filter((r) => r.body.response_format.json_schema.name === 'anomaly-explanation');
  const before = explanations().length;
  ai.answerFor('anomaly-explanation', {
    json: {
      summary: 'The spindle housing ran hot: coolant flow likely dropped.',
      likelyCauses: [{ cause: 'Coolant pump wear', why: 'temperature far above its alarm limit' }],
      checkFirst: ['coolant level', 'coolant pump'],
    },
  });
  const page = await rig.open(`/twins/${twinId}`);
  const item = page.locator(`[data-testid=anomaly-item][data-episode="${episodeId}"]`);
  const button = item.getByTestId('anomaly-explain');
  await button.waitFor({ timeout: WAIT_MS });
  expect(await button.innerText()).toBe('Explain');
  await button.click();
  await untilText(item.getByTestId('explanation-summary'), /coolant flow/, 'the explanation');
  const shown = await item.getByTestId('anomaly-explanation').innerText();
  expect(shown).toMatch(/AI explanation by/);
  expect(shown).toMatch(/Coolant pump wear/);
  await untilText(button, /Explain again/, 'the button offers a new explanation');
  expect(explanations().slice(before)).toHaveLength(1);
  await eventually(
    () =>
      rig.api<{ alerts: Array<{ explanation?: { summary: string } }> }>(
        `/v1/alerts?twinId=${twinId}`,
      ),
    (r) => r.body.alerts?.some((a) => /coolant flow/.test(a.explanation?.summary ?? '')),
    "the explanation on the anomaly's alert",
    WAIT_MS,
  );
  await checkPage(page, 'twin-explanation');
  await page.close();
}

/**
 * What the local model server answers a maintenance report (issue 22) with: words, and the
 * scope's counts as placeholders (F-ids read from the request's data block, as a model would).
 */
export function reportWriter(request: RecordedAiRequest): AiReply {
  const user = request.body.messages[1].content as string;
  const data = JSON.parse(user.slice(user.indexOf('\n') + 1, user.lastIndexOf('\n'))) as {
    figures: Array<{ id: string; label: string }>;
  };
  const id = (label: string) => data.figures.find((f) => f.label === label)!.id;
  return {
    json: {
      sections: [
        {
          title: 'Summary',
          text: `Twins in the report: {${id('twins in the report')}}. Open anomalies: {${id('open anomalies')}}.`,
        },
      ],
    },
  };
}

/**
 * The twin page's "Maintenance report" (AI on): written on a click, its numbers the figures',
 * each value followed by the figure it is, a link to that figure's row and source. Asked
 * again, an operator's "Write it again" asks anew (`refresh=true`); a viewer's "Show again" does
 * not. The journey checks the request the page sends (the route's `refresh` is operator+).
 */
export async function maintenanceReportIsWritten(rig: DashboardRig): Promise<void> {
  await demoPlantIds(rig);
  const page = await rig.open('/twins/cnc-01');
  const panel = page.getByTestId('maintenance-report');
  const ask = panel.getByTestId('maintenance-report-ask');
  const first = page.waitForRequest((r) => r.url().includes('/v1/reports/maintenance?'));
  await ask.click({ timeout: WAIT_MS });
  expect(new URL((await first).url()).searchParams.has('refresh')).toBe(false);
  const text = await untilText(
    panel.getByTestId('maintenance-report-text'),
    /Twins in the report: \d+ twins? \[F\d+\]\. Open anomalies: \d+ anomal(y|ies) \[F\d+\]\./,
    'the report written',
  );
  // Its numbers are the figures the panel lists (and the API answered), each with its id.
  const answer = await rig.api<{
    figures: Array<{ id: string; label: string; value: number; unit: string }>;
  }>('/v1/reports/maintenance?twin=cnc-01');
  const figure = (label: string) => answer.body.figures.find((f) => f.label === label)!;
  const shown = (label: string) =>
    `${figure(label).value} ${figure(label).unit} [${figure(label).id}]`;
  expect(text).toContain(
    `Twins in the report: ${shown('twins in the report')}. Open anomalies: ${shown('open anomalies')}.`,
  );
  // A value's link leads to its figure's row: the label and the source are there.
  const anomalies = figure('open anomalies');
  const cite = panel.locator(`[data-testid=maintenance-report-cite][data-figure=${anomalies.id}]`);
  await cite.click();
  const figures = panel.getByTestId('maintenance-report-figures');
  expect(await figures.getAttribute('open')).not.toBeNull();
  const focused = (await page.evaluate('document.activeElement?.textContent ?? ""')) as string;
  expect(focused).toContain(anomalies.label);
  expect(await figures.locator('tbody tr').count()).toBe(answer.body.figures.length);
  await checkPage(page, 'twin-maintenance-report');
  // Asked again by an admin: "Write it again", and the model is asked anew.
  expect(await ask.textContent()).toBe('Write it again');
  const again = page.waitForRequest((r) => r.url().includes('/v1/reports/maintenance?'));
  await ask.click();
  expect(new URL((await again).url()).searchParams.get('refresh')).toBe('true');
  await page.close();
  // A viewer may read the report and show it again, never ask the model anew.
  const asViewer = await rig.open('/twins/cnc-01', { apiKey: await createKey(rig, 'viewer') });
  const viewerAsk = asViewer
    .getByTestId('maintenance-report')
    .getByTestId('maintenance-report-ask');
  await viewerAsk.click({ timeout: WAIT_MS });
  await untilText(
    asViewer.getByTestId('maintenance-report-text'),
    /Twins in the report: /,
    "the viewer's report",
  );
  expect(await viewerAsk.textContent()).toBe('Show again');
  const shownAgain = asViewer.waitForRequest((r) => r.url().includes('/v1/reports/maintenance?'));
  await viewerAsk.click();
  expect(new URL((await shownAgain).url()).searchParams.has('refresh')).toBe(false);
  await asViewer.close();
}
