import { NO_AMOUNTS, type OpenAiCompatibleServer } from '@twinlog/testing';
import type { DashboardRig } from './dashboard-rig';
import { checkPage, createKey, demoPlantIds, untilDrawn, untilText } from './dashboard-journeys';

const WAIT_MS = 60_000;
const none = NO_AMOUNTS;

/**
 * "Ask in plain words" on the what-if page (docs/dashboard.md, docs/ai.md): the words go to the
 * local model server, the scenario it proposed fills the form, the comparison is drawn, and the
 * form runs again after an edit. A viewer gets no box to ask with.
 */
export async function askInPlainWords(
  rig: DashboardRig,
  ai: OpenAiCompatibleServer,
): Promise<void> {
  await demoPlantIds(rig);
  const viewerKey = await createKey(rig, 'viewer');
  const asViewer = await rig.open('/what-if?twin=cnc-01', { apiKey: viewerKey });
  await untilText(
    asViewer.getByTestId('ask-in-words'),
    /needs the operator role/,
    'the ask box, for a viewer',
  );
  await asViewer.close();

  // Other features (the demo machines' second opinion) ask the same server meanwhile: this answer
  // is for a scenario only, and only scenario requests are counted.
  const asks = () =>
    ai
      .chatRequests()
      .filter((r) => r.body.response_format?.json_schema?.name === 'simulation-scenario');
  const before = asks().length;
  ai.answerFor('simulation-scenario', {
    json: {
      kind: 'scenario',
      scenario: {
        label: 'coolant pump fails',
        horizon: 7200,
        step: 60,
        perturbations: [
          { ...none, kind: 'fail', target: 'cooling_capacity', at: 0, remaining: 0 },
          { ...none, kind: 'ramp', target: 'temperature', at: 0, ratePerHour: 2 },
        ],
        mitigations: [],
        monteCarlo: null,
      },
      assumptions: ['the pump fails at once'],
      reason: null,
      unsupported: [],
    },
  });
  const page = await rig.open('/what-if?twin=cnc-01');
  const box = page.getByTestId('ask-in-words');
  const words = 'what if the coolant pump fails and the temperature rises 2 °C an hour?';
  await box.getByRole('textbox').fill(words);
  await box.getByRole('button', { name: /ask and run/i }).click();
  await untilText(
    page.getByTestId('asked-scenario'),
    /the pump fails at once/,
    'what the words became',
  );
  const form = page.getByTestId('scenario-form');
  const horizon = form.getByLabel(/^Horizon/);
  expect(await horizon.inputValue()).toBe('2h');
  await page.waitForURL(/p=fail(\+|%20)cooling_capacity/, { timeout: WAIT_MS });
  const drawn = await untilDrawn(
    page.getByTestId('scenario-chart'),
    (d) => ['scenario', 'baseline'].every((n) => d.series.includes(n)),
    'the asked scenario against its baseline',
  );
  expect(drawn.points).toBeGreaterThanOrEqual(2 * 121);
  // The model got the words inside the data block, never in our instructions.
  const [request] = asks().slice(before);
  expect(request?.body.messages[0].content).not.toContain('coolant pump fails');
  expect(request?.body.messages[1].content).toContain('the coolant pump fails and the temperature');
  await checkPage(page, 'what-if-ask');

  // The form holds the scenario: edited, it runs again like any other.
  await horizon.fill('1h');
  await page.getByTestId('scenario-run').click();
  await page.waitForURL(/horizon=1h/, { timeout: WAIT_MS });
  // An hour instead of two: about half the points.
  await untilDrawn(
    page.getByTestId('scenario-chart'),
    (d) => d.points > 0 && d.points < drawn.points * 0.6,
    'the rerun, an hour long',
  );
  expect(asks().slice(before)).toHaveLength(1);
  await page.close();
}
