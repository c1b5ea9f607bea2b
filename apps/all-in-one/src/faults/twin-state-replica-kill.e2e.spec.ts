import { randomUUID } from 'node:crypto';
import { commandsDuringHandover, realServer, registerTwinOverHttp, until } from '@twinlog/testing';
import { startService, topologyEnv, type ServiceProcess } from '../testing/fault-rig';

const TWINS = Array.from({ length: 18 }, (_, i) => `replica-${String(i).padStart(2, '0')}`);
const COMMISSIONED = new Date(Date.now() - 86_400_000).toISOString();

/** How many twins each replica holds (its ready probe), or undefined while it does not answer. */
const held = (replicas: ServiceProcess[]) =>
  Promise.all(
    replicas.map(async (r) => {
      const answer = await fetch(`${r.url}/health/ready`).catch(() => undefined);
      if (answer?.status !== 200) return undefined;
      return ((await answer.json()) as { twins?: number }).twins;
    }),
  );
const sum = (counts: Array<number | undefined>) => counts.reduce<number>((s, n) => s + (n ?? 0), 0);

/**
 * Three twin-state processes sharing the partitions (ADR 0023), one SIGKILLed under commands:
 * no clean stop, no leaving the group. The others take its partitions once the group's session
 * times out; every command meanwhile is applied once or refused with PARTITION_MOVING; and the
 * states afterwards equal those of a single twin-state started on the same log.
 */
describe('a twin-state replica killed under commands (issue 25)', () => {
  const running: ServiceProcess[] = [];
  afterAll(async () => {
    await Promise.allSettled(running.map((r) => r.stop()));
  });

  it('hands its partitions over with every command applied once or refused, to the states one replica holds', async () => {
    const env = {
      ...topologyEnv(
        { kafka: realServer('kafka'), influx: realServer('influx') },
        `kill-${randomUUID().slice(0, 8)}.`,
      ),
      TWINLOG_PARTITIONS: '6',
      TWIN_STATE_REPLICAS: 'shared',
      TWIN_STATE_PROCESS_KPIS: 'off',
      TWIN_STATE_SNAPSHOT_INTERVAL_MS: '2000',
    };
    for (let i = 0; i < 3; i += 1) running.push(await startService('twin-state', env));
    const [a, b, c] = running as [ServiceProcess, ServiceProcess, ServiceProcess];
    for (const [i, twinId] of TWINS.entries())
      await registerTwinOverHttp(running[i % 3]!.url, {
        twinId,
        twinType: 'cnc-milling-machine',
        commissionedAt: COMMISSIONED,
      });
    await until(
      () => held(running),
      (n) => sum(n) === TWINS.length && n.every((x) => x! > 0),
      'the three sharing the twins',
      60_000,
    );

    const tally = await commandsDuringHandover(
      [a.url, b.url],
      TWINS,
      COMMISSIONED,
      async () => {
        await new Promise((r) => setTimeout(r, 2_000));
        await c.kill();
        running.splice(2, 1);
        await until(
          () => held([a, b]),
          (n) => sum(n) === TWINS.length,
          'the two left holding every twin',
          60_000,
        );
        await new Promise((r) => setTimeout(r, 2_000));
      },
      a.url,
    );
    console.log(
      `${tally.sent} commands while a replica was killed: ${tally.applied} applied, ${tally.refused} refused (503)`,
    );
    expect(tally.applied).toBeGreaterThan(10);
    expect(tally.unexpected).toEqual([]);
    expect(tally.miscounted).toEqual([]);

    // It comes back under commands: it reads the directory, joins, and takes its partitions
    // back from the other two, with the same promise.
    const rejoin = await commandsDuringHandover(
      [a.url, b.url],
      TWINS,
      COMMISSIONED,
      async () => {
        await new Promise((r) => setTimeout(r, 1_000));
        await c.restart();
        running.push(c);
        await until(
          () => held([a, b, c]),
          (n) => sum(n) === TWINS.length && n.every((x) => x! > 0),
          'the three sharing the twins again',
          60_000,
        );
        await new Promise((r) => setTimeout(r, 2_000));
      },
      c.url,
    );
    console.log(
      `${rejoin.sent} commands while it came back: ${rejoin.applied} applied, ${rejoin.refused} refused (503)`,
    );
    expect(rejoin.applied).toBeGreaterThan(10);
    expect(rejoin.unexpected).toEqual([]);
    expect(rejoin.miscounted).toEqual([]);

    // One twin-state alone, on the same log, folds the same states.
    const single = await startService('twin-state', { ...env, TWIN_STATE_REPLICAS: 'one' });
    running.push(single);
    for (const [i, twinId] of TWINS.entries()) {
      const [shared, alone] = await Promise.all(
        [running[i % 3]!, single].map(async (r) =>
          (await fetch(`${r.url}/v1/twins/${twinId}`)).json(),
        ),
      );
      expect(shared).toEqual(alone);
    }
  }, 240_000);
});
