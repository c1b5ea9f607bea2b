import type { Locator, Page } from 'playwright-core';
import { checkAccessibility, pageErrors, saveScreenshot, TABLET } from '@twinlog/testing';
import type { DashboardRig } from './dashboard-rig';
import { eventually } from './twinlog-process';

/*
 * What a person does on the dashboard, as the browser specs check it. The selectors are the
 * contract between the pages and these tests (apps/dashboard: keep them when a page changes):
 * - the overview shows each twin's id as text (the contract) in a tree (role "tree"),
 *   with an "Expand all" button;
 * - the twin page (/twins/<id>) and the others: the data-testids of docs/dashboard.md's tables
 *   (`live-value-<property>`, `anomaly-item`, `anomaly-evidence`, `time-slider`, `state-as-of`,
 *   `subtree-diff-twin` with `data-twin`, `what-if-link` only for roles that may run a scenario,
 *   `scenario-run`, `scenario-chart`, `alert-row` with `data-alert-id`, `alert-status`,
 *   `alert-acknowledge` only for roles that may use it); the moment shown is `?at=` in the URL.
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

/** A screenshot kept as an artifact, an axe-core check, and no uncaught script error. */
export async function checkPage(page: Page, name: string): Promise<void> {
  await saveScreenshot(page, name);
  await checkAccessibility(page);
  expectNoPageErrors(page);
}

export function expectNoPageErrors(page: Page): void {
  const errors = pageErrors(page);
  if (errors.length > 0) throw new Error(`the page threw:\n  ${errors.join('\n  ')}`);
}

/** Registers the tests' own machine, fed only by the tests, so its values are known. */
export async function registerTestTwin(rig: DashboardRig): Promise<void> {
  const answer = await rig.api('/v1/twins', {
    body: {
      twinId: TEST_TWIN,
      twinType: 'cnc-milling-machine',
      site: 'demo-plant',
      commissionedAt: new Date(Date.now() - 3600_000).toISOString(),
    },
  });
  if (answer.status !== 201 && answer.status !== 409)
    throw new Error(`registering ${TEST_TWIN}: ${answer.status} ${JSON.stringify(answer.body)}`);
}

let readingNumber = 0;
/** Temperature readings of the test twin, one second apart ending now; returns their times. */
export async function sendTemperatures(rig: DashboardRig, values: number[]): Promise<string[]> {
  const end = Date.now();
  const readings = values.map((value, i) => ({
    twinId: TEST_TWIN,
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
  // Observed 92.5 against the model's normal band (15 to 65 °C).
  const text = await untilText(
    anomaly,
    /92\.5[\s\S]*65|65[\s\S]*92\.5/,
    'the anomaly with its evidence',
  );
  expect(text).toMatch(/temperature/i);
  await checkPage(page, 'twin-anomaly');
  await page.close();
}

export async function timeSliderShowsOlderState(rig: DashboardRig): Promise<void> {
  await registerTestTwin(rig);
  const [before] = await sendTemperatures(rig, [33.5]);
  await new Promise((r) => setTimeout(r, 1500));
  await sendTemperatures(rig, [58.5]);
  const page = await rig.open(`/twins/${TEST_TWIN}`);
  const value = page.getByTestId('live-value-temperature');
  await untilText(value, /58\.5/, 'the latest temperature');
  await page.getByTestId('time-slider').waitFor();
  // The moment is in the URL: the shareable link to the older state.
  const at = new Date(Date.parse(before!) + 500).toISOString();
  const older = await rig.open(`/twins/${TEST_TWIN}?at=${encodeURIComponent(at)}`);
  const olderValue = older.getByTestId('state-as-of');
  await untilText(olderValue, /33\.5/, 'the temperature as it was');
  expect(await olderValue.getByRole('row', { name: /temperature/ }).innerText()).not.toMatch(
    /58\.5/,
  );
  await checkPage(older, 'time-slider');
  // Over the subtree: what changed since, twin by twin (a tool fitted after that moment is new).
  const tool = await rig.api('/v1/twins', {
    body: {
      twinId: `${TEST_TWIN}-tool`,
      twinType: 'cutting-tool',
      parentId: TEST_TWIN,
      site: 'demo-plant',
      commissionedAt: new Date().toISOString(),
    },
  });
  if (tool.status !== 201 && tool.status !== 409)
    throw new Error(`registering the tool: ${tool.status} ${JSON.stringify(tool.body)}`);
  const subtree = await rig.open(`/twins/${TEST_TWIN}?at=${encodeURIComponent(at)}&subtree=true`);
  const machine = subtree.locator(`[data-testid=subtree-diff-twin][data-twin=${TEST_TWIN}]`);
  await untilText(machine, /temperature[\s\S]*33\.5[\s\S]*58\.5/, "the machine's change");
  const fitted = subtree.locator(`[data-testid=subtree-diff-twin][data-twin=${TEST_TWIN}-tool]`);
  await untilText(fitted, /added/, 'the tool fitted since');
  await checkPage(subtree, 'time-slider-subtree');
  await Promise.all([page.close(), older.close(), subtree.close()]);
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
  await checkPage(page, 'twin-health');
  await page.close();
}

export async function scenarioDrawsItsChart(rig: DashboardRig): Promise<void> {
  await demoPlantIds(rig);
  // A viewer may not run a scenario: the twin page offers them no "What if…".
  const asViewer = await rig.open('/twins/cnc-01', { apiKey: await createKey(rig, 'viewer') });
  await asViewer.getByTestId('time-slider').waitFor({ timeout: WAIT_MS });
  expect(await asViewer.getByTestId('what-if-link').count()).toBe(0);
  await asViewer.close();
  // The twin page leads to what-if with that twin chosen.
  const page = await rig.open('/twins/cnc-01');
  await page.getByTestId('what-if-link').click();
  await page.waitForURL(/\/what-if\?(.*&)?twin=cnc-01(&|$)/, { timeout: WAIT_MS });
  // The form's first field is the twin (its label's accessible name includes the chosen one).
  const twinField = page.getByTestId('scenario-form').locator('select').first();
  await twinField.waitFor({ timeout: WAIT_MS });
  expect(await twinField.inputValue()).toBe('cnc-01');
  await page.getByTestId('scenario-run').click();
  const chart = page.locator('[data-testid=scenario-chart]');
  await chart.locator('canvas').first().waitFor({ timeout: WAIT_MS });
  // uPlot drew something: the canvas is not blank. (A function, not a string: Playwright
  // evaluates a string as an expression, so a function's text would come back undefined.)
  const inked = await chart
    .locator('canvas')
    .first()
    .evaluate((c) => {
      const canvas = c as unknown as InkedCanvas;
      const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++;
      return n;
    });
  expect(inked).toBeGreaterThan(100);
  await checkPage(page, 'what-if');
  await page.close();
}

/** The bit of a canvas the ink count needs (this project's tsconfig has no DOM types). */
interface InkedCanvas {
  width: number;
  height: number;
  getContext(kind: '2d'): {
    getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> };
  };
}

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
  expect(await viewerRow.getByTestId('alert-acknowledge').count()).toBe(0);
  await asViewer.close();

  const page = await rig.open('/alerts');
  const row = page.locator(`[data-testid=alert-row][data-alert-id="${alertId}"]`);
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
