import type { EventLog } from '@twinlog/event-log';
import { PROCESS_KPI_PRODUCER } from '@twinlog/read-models';
import { freePort, realServer } from '@twinlog/testing';
import { startPlantSimulator } from './run/plant-simulator';
import { startEmbeddedTwinlog, type EmbeddedTwinlog } from './testing/embedded-twinlog';

// The simulator against real services: ingestion and twin-state in embedded mode in this
// process (one log, as the all-in-one app runs them), fed over HTTP and over a real MQTT broker.

/** The readings the simulator sent (not the process twin's figures twin-state derives). */
async function telemetryReadings(log: EventLog): Promise<number> {
  let count = 0;
  await log.replay({ streams: ['telemetry'] }, async (batch) => {
    for (const { event } of batch)
      if (event.type === 'TelemetryReported' && event.producer !== PROCESS_KPI_PRODUCER)
        count += event.data.readings.length;
  });
  return count;
}

async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests probe the JSON freely
async function getJson(url: string): Promise<any> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return response.json();
}

describe('plant simulator', () => {
  let twinlog: EmbeddedTwinlog | undefined;
  afterEach(async () => {
    await twinlog?.close();
    twinlog = undefined;
  });

  it('registers the plant and feeds it over HTTP: every reading accepted, tool changes recorded', async () => {
    twinlog = await startEmbeddedTwinlog();
    const lines: string[] = [];
    // An hour of plant time in 6 s: the demo timeline breaks cnc-02's tool (seed 42) within it.
    const run = startPlantSimulator({
      plant: { machines: 2, seed: 42 },
      target: twinlog.ingestion!.url,
      twinState: twinlog.twinState.url,
      register: true,
      speed: 600,
      rate: 2_000,
      durationMs: 6_000,
      log: (line) => lines.push(line),
    });
    const end = await run.done;
    expect(end).toMatchObject({ failure: null, rejected: 0, pending: 0, registered: 10 });
    expect(end.generated).toBeGreaterThan(8_000);
    expect(end.sent).toBe(end.generated);
    expect(end.accepted + end.duplicates).toBe(end.generated);
    expect(await telemetryReadings(twinlog.infra.log)).toBe(end.accepted);
    expect(await twinlog.infra.log.readDeadLetters()).toEqual([]);

    const ts = twinlog.twinState.url;
    const machines = await getJson(`${ts}/v1/twins?parentId=line-1`);
    expect(JSON.stringify(machines)).toContain('cnc-02');
    const cnc01 = await getJson(`${ts}/v1/twins/cnc-01`);
    expect(Object.keys(cnc01.reported).sort()).toEqual([
      'machine_state',
      'parts_produced',
      'parts_scrapped',
      'power_consumption',
      'spindle_speed',
      'temperature',
      'tool_wear',
      'vibration',
    ]);
    expect(Date.parse(cnc01.reported.temperature.occurredAt)).toBeGreaterThan(
      run.plan.plantStartMs,
    );
    expect(lines.some((l) => /cnc-02-tool: tool broke/.test(l))).toBe(true);
    expect(end.maintenanceRecorded).toBeGreaterThanOrEqual(2);
    const tool = await getJson(`${ts}/v1/twins/cnc-02-tool`);
    expect(tool.lastMaintenance).toMatchObject({ kind: 'tool-replaced', resets: ['tool_wear'] });

    // The machining process at the top: its figures derived from the machines, every plant
    // minute after a 10-minute warm-up, and as they were at a past moment.
    const tree = await getJson(`${ts}/v1/twins/machining-1`);
    expect(tree).toMatchObject({ twinType: 'machining-process', level: 'process', parentId: null });
    expect(tree.children).toEqual([{ twinId: 'line-1', twinType: 'production-line' }]);
    let process: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- probed JSON
    await waitFor('the process figures of the last plant minutes', async () => {
      process = await getJson(`${ts}/v1/twins/machining-1`);
      const at = Date.parse(process.reported.oee?.occurredAt ?? '');
      return at >= run.plan.plantStartMs + 50 * 60_000;
    });
    for (const property of ['availability', 'performance', 'quality', 'oee']) {
      expect(process.reported[property]).toMatchObject({ unit: '1' });
      expect(process.reported[property].value).toBeGreaterThan(0);
      expect(process.reported[property].value).toBeLessThanOrEqual(1);
    }
    expect(process.reported.throughput.value).toBeGreaterThan(5);
    expect(process.reported.cycle_time.value).toBeGreaterThan(100);
    expect(process.reported.wip.value).toBeLessThanOrEqual(2);
    const past = run.plan.plantStartMs + 20 * 60_000 + 30_000;
    const then = await getJson(
      `${ts}/v1/twins/machining-1/history?at=${new Date(past).toISOString()}`,
    );
    // The figures of the last whole minute before it.
    expect(then.state.reported.oee.occurredAt).toBe(
      new Date(Math.floor(past / 60_000) * 60_000).toISOString(),
    );
    expect(then.state.reported.oee.value).toBeGreaterThan(0);

    // Registering again is fine: the twins are there already.
    const again = await startPlantSimulator({
      plant: { machines: 2, seed: 42 },
      target: twinlog.ingestion!.url,
      twinState: twinlog.twinState.url,
      register: true,
      durationMs: 1_500,
    }).done;
    expect(again).toMatchObject({
      failure: null,
      registered: 0,
      alreadyRegistered: 10,
      rejected: 0,
    });
    expect(again.accepted).toBeGreaterThan(0);
  });

  it('retries while ingestion is down and delivers everything once it is up', async () => {
    twinlog = await startEmbeddedTwinlog({ ingestion: false });
    const port = await freePort();
    const run = startPlantSimulator({
      plant: { machines: 1 },
      target: `http://127.0.0.1:${port}`,
      twinState: twinlog.twinState.url,
      register: true,
      speed: 10,
      durationMs: 4_000,
    });
    await waitFor('retries', () => run.stats.retries >= 2);
    expect(run.stats.trouble).toMatch(/ECONNREFUSED/);
    expect(run.stats).toMatchObject({ sent: 0, rejected: 0 });
    await twinlog.startIngestion(port);
    const end = await run.done;
    expect(end).toMatchObject({ failure: null, rejected: 0, pending: 0, trouble: null });
    expect(end.accepted + end.duplicates).toBe(end.generated);
    expect(await telemetryReadings(twinlog.infra.log)).toBe(end.accepted);
  });

  it('counts each rejection by its code, and stops when a twin is registered as something else', async () => {
    twinlog = await startEmbeddedTwinlog();
    const lines: string[] = [];
    // Not registered: ingestion refuses every reading, and says why.
    const unregistered = await startPlantSimulator({
      plant: { machines: 1 },
      target: twinlog.ingestion!.url,
      rate: 110,
      maxReadings: 60,
      log: (line) => lines.push(line),
    }).done;
    expect(unregistered).toMatchObject({
      failure: null,
      sent: 60,
      accepted: 0,
      rejected: 60,
      rejectedByCode: { TWIN_NOT_FOUND: 60 },
      pending: 0,
    });
    expect(lines.filter((l) => l.includes('TWIN_NOT_FOUND'))).toHaveLength(1);

    const taken = await fetch(`${twinlog.twinState.url}/v1/twins`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ twinId: 'line-1', twinType: 'cnc-milling-machine' }),
    });
    expect(taken.status).toBe(201);
    const clash = await startPlantSimulator({
      plant: { machines: 1 },
      target: twinlog.ingestion!.url,
      twinState: twinlog.twinState.url,
      register: true,
    }).done;
    expect(clash.failure).toMatch(
      /line-1 is already registered as a cnc-milling-machine under no parent, not a production-line/,
    );
    expect(clash.sent).toBe(0);
  });

  it('feeds a plant registered before its process twin existed, saying why the process shows nothing', async () => {
    twinlog = await startEmbeddedTwinlog();
    const line = await fetch(`${twinlog.twinState.url}/v1/twins`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        twinId: 'line-1',
        twinType: 'production-line',
        site: 'demo-plant',
        commissionedAt: '2020-01-01T00:00:00Z',
      }),
    });
    expect(line.status).toBe(201);
    const lines: string[] = [];
    const end = await startPlantSimulator({
      plant: { machines: 1 },
      target: twinlog.ingestion!.url,
      twinState: twinlog.twinState.url,
      register: true,
      durationMs: 1_500,
      log: (l) => lines.push(l),
    }).done;
    expect(end).toMatchObject({ failure: null, registered: 5, alreadyRegistered: 1, rejected: 0 });
    expect(lines.some((l) => /line-1 was registered before machining-1 existed/.test(l))).toBe(
      true,
    );
  });

  it('feeds the plant over MQTT and stops cleanly, delivering what was queued', async () => {
    const mqttUrl = realServer('mqtt').url;
    twinlog = await startEmbeddedTwinlog({ mqttUrl });
    const run = startPlantSimulator({
      plant: { machines: 2, seed: 7 },
      mqtt: { url: mqttUrl, topic: twinlog.mqttTopic },
      twinState: twinlog.twinState.url,
      register: true,
      speed: 60,
    });
    await waitFor('500 readings', () => run.stats.accepted >= 500);
    const end = await run.stop();
    expect(end).toMatchObject({ failure: null, rejected: 0, pending: 0, registered: 10 });
    expect(end.accepted).toBe(end.generated);
    // The broker acknowledged each message and keeps it until ingestion has appended it (its
    // own PUBACK to the broker comes after the append): all of them reach the log, none is refused.
    await waitFor(
      'the log to hold every acknowledged reading',
      async () => (await telemetryReadings(twinlog!.infra.log)) >= end.accepted,
    );
    expect(await telemetryReadings(twinlog.infra.log)).toBe(end.accepted);
    expect(await twinlog.infra.log.readDeadLetters()).toEqual([]);
    const pump = await getJson(`${twinlog.twinState.url}/v1/twins/cnc-02-coolant`);
    expect(pump.reported.flow_rate.value).toBeGreaterThan(15);
  });
});
