import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stampEvents } from '@twinlog/domain';
import { openInfrastructure, type Env, type Infrastructure } from '@twinlog/service-kit';
import {
  commandsDuringHandover,
  freePort,
  jsonRequest,
  openSse,
  until,
  type SseMessage,
} from '@twinlog/testing';
import { readTwinStateConfig } from '../config/twin-state.config';
import { twinStateEnv } from '../testing/twin-state-harness';
import { startTwinState, type RunningTwinState } from '../twin-state.app';

/** One twin-state process of several on the same log, with its own port and data directory. */
interface Replica {
  url: string;
  infra: Infrastructure;
  service: RunningTwinState;
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests probe the JSON freely
  ): Promise<{ status: number; json: any }>;
  close(): Promise<void>;
}

async function startReplica(base: Env, replicas: 'one' | 'shared'): Promise<Replica> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = readTwinStateConfig({
    ...base,
    TWINLOG_DATA_DIR: mkdtempSync(join(tmpdir(), 'twin-state-replica-')),
    TWIN_STATE_HTTP_PORT: String(port),
    TWIN_STATE_REPLICAS: replicas,
    ...(replicas === 'shared' ? { TWIN_STATE_ADVERTISED_URL: url } : {}),
    // The process figures are one replica's job (see the docs); these tests compare twins only.
    TWIN_STATE_PROCESS_KPIS: 'off',
  });
  const infra = await openInfrastructure(config.service, {
    service: 'twin-state-test',
    store: true,
  });
  const service = await startTwinState(config, infra, false);
  const replica: Replica = {
    url,
    infra,
    service,
    call: (method, path, body, headers) => jsonRequest(url, method, path, body, headers),
    async close() {
      await replica.service.close();
      await infra.close();
    },
  };
  return replica;
}

/** Readings as ingestion appends them. */
async function report(
  infra: Infrastructure,
  twinId: string,
  value: number,
  minute = 2,
): Promise<void> {
  const occurredAt = at(minute);
  await infra.log.append(
    stampEvents(
      twinId,
      [
        {
          type: 'TelemetryReported',
          data: {
            readings: [
              {
                readingId: `${twinId}/p/${minute}`,
                property: 'power_consumption',
                value,
                unit: 'kW',
                occurredAt,
              },
            ],
          },
          occurredAt,
        },
      ],
      {
        commandId: randomUUID(),
        correlationId: randomUUID(),
        causationId: null,
        producer: 'ingestion/test',
        now: new Date().toISOString(),
      },
    ),
  );
}

const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 8, minute)).toISOString();
const twinIds = Array.from({ length: 24 }, (_, i) => `mill-${String(i).padStart(2, '0')}`);

describe('twin-state replicas that share the partitions (ADR 0023, issue 25)', () => {
  const running: Replica[] = [];
  afterAll(async () => {
    await Promise.allSettled(running.map((r) => r.close()));
  }, 120_000);

  it('split the twins, answer for any twin through any replica, and after one leaves under commands hold what one replica holds', async () => {
    const base = twinStateEnv('kafka', {
      TWINLOG_PARTITIONS: '6',
      KAFKA_SESSION_TIMEOUT_MS: '6000',
    });
    for (let i = 0; i < 3; i += 1) running.push(await startReplica(base, 'shared'));
    const [a, b, c] = running as [Replica, Replica, Replica];
    // Every replica has settled on the group's map: each says how many twins it holds.
    const held = async () =>
      Promise.all(running.map(async (r) => (await r.call('GET', '/health/ready')).json?.twins));

    // Registrations and readings through replicas that are mostly not the owners, under a line
    // that is on one partition while its machines are on all of them.
    const line = await a.call('POST', '/v1/twins', {
      twinId: 'line-1',
      twinType: 'production-line',
      site: 'plant-a',
      commissionedAt: at(0),
    });
    expect(line.status).toBe(201);
    for (const [i, twinId] of twinIds.entries()) {
      const through = running[i % 3]!;
      const r = await through.call('POST', '/v1/twins', {
        twinId,
        twinType: 'cnc-milling-machine',
        site: 'plant-a',
        parentId: 'line-1',
        commissionedAt: at(0),
      });
      expect([twinId, r.status]).toEqual([twinId, 201]);
      await report(a.infra, twinId, 40 + i);
    }
    const all = ['line-1', ...twinIds].sort();
    const counts = await until(
      held,
      (n) => n.reduce((s, x) => s + (x ?? 0), 0) === all.length,
      'every twin held once',
    );
    // Six partitions over three replicas: each holds some twins, none holds them all.
    for (const n of counts) expect(n).toBeLessThan(all.length);
    expect(counts.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);

    // Any replica answers for any twin, the same.
    for (const twinId of twinIds.slice(0, 6)) {
      const answers = await Promise.all(running.map((r) => r.call('GET', `/v1/twins/${twinId}`)));
      expect(answers.map((x) => x.status)).toEqual([200, 200, 200]);
      expect(new Set(answers.map((x) => JSON.stringify(x.json))).size).toBe(1);
    }
    // Every replica lists every twin, page by page, as one replica would.
    for (const r of running) {
      const listed: string[] = [];
      let cursor = '';
      for (let page = 0; page < 20; page += 1) {
        const answer = await r.call('GET', `/v1/twins?limit=4${cursor}`);
        expect(answer.status).toBe(200);
        listed.push(...answer.json.twins.map((t: { twinId: string }) => t.twinId));
        if (answer.json.next === null) break;
        cursor = `&cursor=${encodeURIComponent(answer.json.next)}`;
      }
      expect(listed).toEqual(all);
    }
    // Many twins at once, and the line's roll-up over machines that other replicas hold.
    const states = await c.call('POST', '/v1/twins/states', { twinIds: [...all, 'nobody'] });
    expect(states.status).toBe(200);
    expect(states.json.twins.map((t: { twinId: string }) => t.twinId).sort()).toEqual(all);
    await until(
      () =>
        Promise.all(
          running.map(async (r) => (await r.call('GET', '/v1/twins/line-1/rollup')).json),
        ),
      (rollUps) =>
        rollUps.every(
          (x) =>
            x.aggregates?.power_consumption?.count === twinIds.length &&
            JSON.stringify(x) === JSON.stringify(rollUps[0]),
        ),
      'the same roll-up over every machine from every replica',
    );
    // Any replica's live stream carries every twin's changes, and a stream left on one resumes
    // on another with no gap and no duplicate (the ids are positions in the whole log).
    const stream = await openSse(`${c.url}/v1/stream?types=state-changed`);
    expect(stream.status).toBe(200);
    for (const [i, twinId] of twinIds.entries()) await report(a.infra, twinId, 60 + i, 3);
    const twinsIn = (messages: SseMessage[]) =>
      messages.map((m) => (JSON.parse(m.data) as { twinId: string }).twinId).sort();
    await stream.until((s) => s.messages.length >= twinIds.length);
    stream.close();
    expect(twinsIn(stream.messages)).toEqual(twinIds);
    for (const [i, twinId] of twinIds.entries()) await report(a.infra, twinId, 80 + i, 4);
    const resumed = await openSse(`${b.url}/v1/stream?types=state-changed`, {
      'last-event-id': stream.lastId!,
    });
    await resumed.until((s) => s.messages.length >= twinIds.length);
    await new Promise((r) => setTimeout(r, 500));
    resumed.close();
    expect(twinsIn(resumed.messages)).toEqual(twinIds);
    // Only what came after the id: the second round of readings.
    expect(resumed.messages.every((m) => m.data.includes(at(4)))).toBe(true);

    // A whole rebuild through one replica verifies every twin, each by its owner.
    const rebuild = await fetch(`${b.url}/v1/admin/rebuild`, { method: 'POST' });
    const lines = (await rebuild.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.at(-1)).toMatchObject({
      phase: 'done',
      report: { verified: all.length, mismatches: [] },
    });

    // Optimistic concurrency holds across the hop: a stale revision is refused by the owner.
    const stale = await b.call('PUT', `/v1/twins/${twinIds[0]}/limits/temperature`, {
      limits: { normal: { high: 60 } },
      expectedRevision: 0,
    });
    expect([stale.status, stale.json.error.code]).toEqual([409, 'REVISION_CONFLICT']);
    // A request already forwarded once is never forwarded again.
    const owner = await Promise.all(
      running.map(
        async (r) =>
          (
            await r.call('GET', `/v1/twins/${twinIds[1]}`, undefined, {
              'x-twinlog-forwarded-by': 'test',
            })
          ).status,
      ),
    );
    expect(owner.filter((s) => s === 200)).toHaveLength(1);
    expect(owner.filter((s) => s === 503)).toHaveLength(2);

    // Commands keep coming through a and b while c leaves: each ends applied once, or refused
    // with PARTITION_MOVING and not applied.
    const tally = await commandsDuringHandover(
      [a.url, b.url],
      twinIds,
      at(1),
      async () => {
        await new Promise((r) => setTimeout(r, 1_500));
        running.splice(2, 1);
        await c.close();
        await until(
          held,
          (n) => n.reduce((s, x) => s + (x ?? 0), 0) === all.length,
          'the two left holding every twin',
        );
        await new Promise((r) => setTimeout(r, 1_500));
      },
      a.url,
    );
    console.log(
      `${tally.sent} commands while a replica left: ${tally.applied} applied, ${tally.refused} refused (503)`,
    );
    expect(tally.sent).toBeGreaterThan(10);
    expect(tally.unexpected).toEqual([]);
    expect(tally.miscounted).toEqual([]);

    // The states equal a single twin-state's, replayed from the same log.
    const single = await startReplica(base, 'one');
    running.push(single);
    for (const path of ['/v1/twins', '/v1/twins/line-1/rollup']) {
      const [shared, alone] = await Promise.all([a.call('GET', path), single.call('GET', path)]);
      expect(shared.json).toEqual(alone.json);
    }
    for (const twinId of all) {
      const [shared, alone] = await Promise.all([
        b.call('GET', `/v1/twins/${twinId}`),
        single.call('GET', `/v1/twins/${twinId}`),
      ]);
      expect([twinId, shared.status]).toEqual([twinId, 200]);
      expect(shared.json).toEqual(alone.json);
    }
  }, 300_000);
});
