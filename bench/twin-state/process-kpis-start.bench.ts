// Start-up of twin-state over a long plant history (review 21, item 4): how long until it is
// ready (answers requests) and until the process figures follow the log, on the embedded log.
//
//   npm run bench:process-kpis-start -- [--events 500000] [--days 30]
//
// A plant (a process, a line, three machines) gets `events` telemetry events (3 readings each)
// recorded over the last `days` days while twin-state runs; it is stopped (snapshots written) and
// started again: that start is the one measured, as after a clean stop.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CURRENT_SCHEMA_VERSION, type NewEvent } from '@twinlog/domain';
import { openInfrastructure } from '@twinlog/service-kit';
import { readTwinStateConfig } from '../../apps/twin-state/src/config/twin-state.config';
import { ProcessKpiProjector } from '../../apps/twin-state/src/process-kpis/process-kpi-projector';
import { startTwinState } from '../../apps/twin-state/src/twin-state.app';
import { arg } from '../event-log/bench-util';

const EVENTS = arg('events', 500_000);
const DAYS = arg('days', 30);
const MACHINES = ['m1', 'm2', 'm3'];

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kpi-start-'));
  const config = readTwinStateConfig({
    TWINLOG_MODE: 'embedded',
    TWINLOG_AUTH: 'off',
    TWINLOG_DATA_DIR: dir,
    TWIN_STATE_HTTP_HOST: '127.0.0.1',
    TWIN_STATE_HTTP_PORT: '0',
  });
  const infra = await openInfrastructure(config.service, { service: 'bench', store: true });
  try {
    const now = Date.now();
    const from = now - DAYS * 86_400_000;
    // The fill runs with the figures off: appended now, they would sit among history recorded
    // in the past, where a real log's record times only grow.
    let service = await startTwinState({ ...config, processKpis: false }, infra, false);
    const post = (body: unknown) =>
      fetch(`${service.url}/v1/twins`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const commissionedAt = new Date(from - 60_000).toISOString();
    await post({ twinId: 'proc', twinType: 'machining-process', commissionedAt });
    await post({ twinId: 'line', twinType: 'production-line', parentId: 'proc', commissionedAt });
    for (const m of MACHINES)
      await post({ twinId: m, twinType: 'cnc-milling-machine', parentId: 'line', commissionedAt });

    const fillStarted = Date.now();
    const step = (now - from) / EVENTS;
    for (let i = 0; i < EVENTS; i += 5_000) {
      const batch: NewEvent[] = [];
      for (let k = i; k < Math.min(EVENTS, i + 5_000); k++) {
        const at = new Date(from + k * step).toISOString();
        const twinId = MACHINES[k % 3]!;
        const n = Math.floor(k / 3);
        batch.push({
          type: 'TelemetryReported',
          id: `bench-${k}`,
          twinId,
          schemaVersion: CURRENT_SCHEMA_VERSION.TelemetryReported,
          occurredAt: at,
          recordedAt: at,
          correlationId: `bench-${k}`,
          causationId: null,
          producer: 'bench',
          data: {
            readings: [
              {
                readingId: `${twinId}/s/${k}`,
                property: 'machine_state',
                value: 2,
                unit: '1',
                occurredAt: at,
              },
              {
                readingId: `${twinId}/p/${k}`,
                property: 'parts_produced',
                value: Math.floor(n / 4),
                unit: 'parts',
                occurredAt: at,
              },
              {
                readingId: `${twinId}/x/${k}`,
                property: 'parts_scrapped',
                value: 0,
                unit: 'parts',
                occurredAt: at,
              },
            ],
          },
        });
      }
      await infra.log.append(batch);
    }
    console.log(
      `filled ${EVENTS.toLocaleString('en-US')} telemetry events over ${DAYS} days in ${Date.now() - fillStarted} ms`,
    );

    // Filled while it runs, as a plant's history is: the live state follows it and the close
    // snapshots every twin, so the measured start replays nothing for the twins' state.
    const last = `${MACHINES[(EVENTS - 1) % 3]}/s/${EVENTS - 1}`;
    await until(async () => {
      const twin = (await (
        await fetch(`${service.url}/v1/twins/${last.split('/')[0]}`)
      ).json()) as {
        reported?: { machine_state?: { readingId?: string } };
      };
      return twin.reported?.machine_state?.readingId === last;
    });
    await service.close();

    const started = Date.now();
    const timed = (m: unknown) => console.log(`  +${Date.now() - started} ms ${String(m)}`);
    service = await startTwinState(config, infra, { log: timed, warn: timed, error: timed });
    const returned = Date.now() - started;
    const projector = service.app.get(ProcessKpiProjector) as { ready?: Promise<void> };
    const figures = Promise.resolve(projector.ready).then(() => Date.now() - started);
    const ready = await until(async () => (await fetch(`${service.url}/v1/whoami`)).status === 200);
    console.log(
      `start returned after ${returned} ms; GET /v1/whoami 200 after ${ready - started} ms; process figures following after ${await figures} ms`,
    );
    await service.close();
  } finally {
    await infra.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function until(ok: () => Promise<boolean>): Promise<number> {
  for (;;) {
    if (await ok().catch(() => false)) return Date.now();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
