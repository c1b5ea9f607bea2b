import type { Page } from 'playwright-core';
import { TABLET } from '@twinlog/testing';
import type { DashboardRig } from './dashboard-rig';
import { registerTestTwin, sendTemperatures, TEST_TWIN, untilText } from './dashboard-journeys';
import { eventually } from './twinlog-process';

/** The design's smallest touch target at tablet size (docs/dashboard.md). */
export const MIN_TARGET_PX = 40;
/** A checkbox's own box (its label around it is the 40 px target). */
export const MIN_CHECKBOX_PX = 24;

/**
 * The targets a finger uses that are easy to draw too small: links inside text and checkboxes
 * (measured by their label, which a tap toggles them through).
 */
export const SMALL_TARGETS: Record<string, string> = {
  'tree link': '[role=tree] .cell.name a',
  'part link': '.facts dd a',
  'alert subject link': '.alert-facts a',
  checkbox: 'input[type=checkbox]',
};

export interface TargetSize {
  kind: string;
  text: string;
  width: number;
  height: number;
  /** A checkbox's own smaller side. */
  box?: number;
}

/** Each visible target of SMALL_TARGETS on the page with its size (a checkbox's: its label's). */
export async function touchTargets(page: Page): Promise<TargetSize[]> {
  const measured: TargetSize[] = [];
  for (const [kind, selector] of Object.entries(SMALL_TARGETS)) {
    const boxes = await page.locator(selector).evaluateAll((elements) =>
      elements.flatMap((element) => {
        const target = element.matches('input') ? (element.closest('label') ?? element) : element;
        const box = target.getBoundingClientRect();
        if (box.width === 0 && box.height === 0) return []; // not shown
        const own = element.getBoundingClientRect();
        return [
          {
            text: (target.textContent ?? '').trim().slice(0, 40),
            width: box.width,
            height: box.height,
            ...(target === element ? {} : { box: Math.min(own.width, own.height) }),
          },
        ];
      }),
    );
    measured.push(...boxes.map((b) => ({ kind, ...b })));
  }
  return measured;
}

/**
 * At 768×1024, the tree's links, a twin's part links, an alert's subject links and the status,
 * subtree and audit checkboxes are at least 40 px each way. Raises an alert on the tests' own
 * machine (as alertIsAcknowledged does) so the inbox has a subject link.
 */
export async function tabletTouchTargetsAreLargeEnough(rig: DashboardRig): Promise<void> {
  await registerTestTwin(rig);
  await sendTemperatures(rig, [93.5, 93.5]);
  await eventually(
    () => rig.api<{ alerts: unknown[] }>(`/v1/alerts?twinId=${TEST_TWIN}`),
    (r) => r.status === 200 && r.body.alerts.length > 0,
    `an alert on ${TEST_TWIN} (the demo's default rule)`,
    60_000,
  );
  const measured: TargetSize[] = [];
  const overview = await rig.open('/', { viewport: TABLET });
  await untilText(overview.getByRole('tree'), /line-1/, 'the overview: the production line');
  measured.push(...(await touchTargets(overview)));
  await overview.close();
  const twin = await rig.open('/twins/line-1', { viewport: TABLET });
  await twin.locator('.facts dd a').first().waitFor({ timeout: 60_000 });
  await twin.locator('input[type=checkbox]').first().waitFor({ timeout: 60_000 });
  measured.push(...(await touchTargets(twin)));
  await twin.close();
  const alerts = await rig.open('/alerts', { viewport: TABLET });
  await alerts.locator('.alert-facts a').first().waitFor({ timeout: 60_000 });
  measured.push(...(await touchTargets(alerts)));
  await alerts.close();
  for (const kind of Object.keys(SMALL_TARGETS))
    expect(measured.filter((m) => m.kind === kind).length).toBeGreaterThan(0);
  const small = measured.filter((m) => m.width < MIN_TARGET_PX || m.height < MIN_TARGET_PX);
  expect(small).toEqual([]);
  // The box itself, drawn inside its 40 px label, is big enough to see and hit on its own.
  const boxes = measured.filter((m) => m.kind === 'checkbox').map((m) => m.box);
  expect(boxes.filter((b) => b === undefined || b < MIN_CHECKBOX_PX)).toEqual([]);
}
