// twin-state replicas that share the partitions (issue 25, ADR 0023): command throughput and
// state-query rate with 1, 2 and 3 replicas, each its own process (its main.ts, as deployed),
// against one twin-state of the default mode and against a raw HTTP server answered by the
// same client (the ceiling of this machine's client and loopback). Clients send each request to
// the replicas in turn, as a Service in front of them would: a twin another replica owns takes
// one hop more.
//
//   npm run bench:replicas -- [--twins 600] [--seconds 10] [--clients 16] [--partitions 6] [--max 3]
//
// Uses the local broker the tests use. Every replica runs on this machine's cores, so the
// figures show what a replica costs and what the hop costs, not what more machines would give.
import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { Partitioners } from 'kafkajs';
import { assignPartitions } from '@twinlog/event-log';
import { freePort, provisionInfra } from '@twinlog/testing';
import { benchEnv, startService, type ServiceProcess } from '../anomaly/service-process';
import { arg, rate } from '../event-log/bench-util';

const TWINS = arg('twins', 600);
const SECONDS = arg('seconds', 10);
const CLIENTS = arg('clients', 16);
const PARTITIONS = arg('partitions', 6);
const MAX = arg('max', 3);
const WARM_UP_SECONDS = 2;
const COMMISSIONED = new Date(Date.now() - 86_400_000).toISOString();

interface Row {
  setup: string;
  commandsPerSecond: number;
  queriesPerSecond: number;
  failed: number;
  held: Array<number | undefined>;
}

async function main(): Promise<number> {
  const servers = await provisionInfra({ only: ['kafka'] });
  const brokers = servers.settings.kafka!.brokers;
  console.log(
    `Kafka ${brokers.join(',')}; ${TWINS} twins, ${PARTITIONS} partitions; ${CLIENTS} clients, ${SECONDS} s a phase`,
  );
  const rows: Row[] = [await raw()];
  rows.push(await measure(1, 'one', brokers));
  for (let n = 1; n <= MAX; n += 1) rows.push(await measure(n, 'shared', brokers));
  // The same, each request sent to its twin's owner (as a gateway routing by the map would):
  // what the hop costs.
  for (let n = 2; n <= MAX; n += 1) rows.push(await measure(n, 'shared', brokers, true));
  const one = rows[1]!;
  console.log('');
  console.log('| setup | commands/s | × one | state reads/s | × one | failed | twins held |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const row of rows)
    console.log(
      `| ${row.setup} | ${rate(row.commandsPerSecond)} | ${(row.commandsPerSecond / one.commandsPerSecond).toFixed(2)} | ${rate(row.queriesPerSecond)} | ${(row.queriesPerSecond / one.queriesPerSecond).toFixed(2)} | ${row.failed} | ${row.held.map((h) => h ?? '-').join(' + ')} |`,
    );
  await servers.stop();
  return rows.some((r) => r.failed > 0) ? 1 : 0;
}

/**
 * The ceiling: the same clients against a server that answers at once, in a process of its own
 * as the replicas are (in this one it would share the clients' core).
 */
async function raw(): Promise<Row> {
  const server = spawn(
    process.execPath,
    [
      '-e',
      `require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => { s.writeHead(200, { 'content-type': 'application/json' }); s.end('{"twinId":"x","revision":1,"events":[]}'); }); }).listen(0, '127.0.0.1', function () { console.log('port ' + this.address().port); });`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<string>((resolve) =>
    server.stdout!.on('data', (d: Buffer) => {
      const match = /port (\d+)/.exec(d.toString());
      if (match) resolve(match[1]!);
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  try {
    const commands = await load([url], 'POST');
    const queries = await load([url], 'GET');
    return {
      setup: 'raw HTTP server (ceiling)',
      commandsPerSecond: commands.perSecond,
      queriesPerSecond: queries.perSecond,
      failed: commands.failed + queries.failed,
      held: [],
    };
  } finally {
    server.kill();
  }
}

async function measure(
  n: number,
  mode: 'one' | 'shared',
  brokers: string[],
  toOwner = false,
): Promise<Row> {
  const prefix = `bench-replicas-${randomUUID().slice(0, 8)}.`;
  const replicas: ServiceProcess[] = [];
  try {
    for (let i = 0; i < n; i += 1) {
      const port = await freePort();
      replicas.push(
        await startService('twin-state', {
          ...benchEnv(brokers, prefix),
          TWINLOG_PARTITIONS: String(PARTITIONS),
          TWIN_STATE_HTTP_HOST: '127.0.0.1',
          TWIN_STATE_HTTP_PORT: String(port),
          TWIN_STATE_REPLICAS: mode,
          TWIN_STATE_PROCESS_KPIS: 'off',
          ...(mode === 'shared' ? { TWIN_STATE_ADVERTISED_URL: `http://127.0.0.1:${port}` } : {}),
        }),
      );
    }
    const urls = replicas.map((r) => r.url);
    await waitReady(urls);
    const started = Date.now();
    await inParallel(TWINS, 8, async (i) => {
      const answer = await fetch(`${urls[i % urls.length]}/v1/twins`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          twinId: twinOf(i),
          twinType: 'cnc-milling-machine',
          commissionedAt: COMMISSIONED,
        }),
      });
      if (answer.status !== 201) throw new Error(`registering ${twinOf(i)}: ${answer.status}`);
    });
    let held: Array<number | undefined> = [];
    for (let tries = 0; tries < 300; tries += 1) {
      held = await Promise.all(urls.map(twinsHeld));
      if (held.reduce<number>((s, h) => s + (h ?? 0), 0) === TWINS) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const setup = `${n} replica${n > 1 ? 's' : ''}, ${mode === 'one' ? 'TWIN_STATE_REPLICAS=one' : 'shared'}${toOwner ? ', each request to its owner' : ''}`;
    process.stderr.write(`${setup}: ${TWINS} twins registered in ${Date.now() - started} ms\n`);
    const route = toOwner ? ownerRoute(urls) : undefined;
    const commands = await load(urls, 'POST', route);
    const queries = await load(urls, 'GET', route);
    return {
      setup,
      commandsPerSecond: commands.perSecond,
      queriesPerSecond: queries.perSecond,
      failed: commands.failed + queries.failed,
      held,
    };
  } finally {
    await Promise.allSettled(replicas.map((r) => r.close()));
  }
}

/**
 * CLIENTS loops for SECONDS, each sending to the replicas in turn: completed requests per
 * second. A warm-up of WARM_UP_SECONDS first (the JIT, connections) is not counted.
 */
async function load(urls: string[], method: 'GET' | 'POST', route?: (twinId: string) => string) {
  await loadFor(urls, method, WARM_UP_SECONDS, route);
  return loadFor(urls, method, SECONDS, route);
}

/**
 * Each twin's owner, as the replicas' group assigns them (contiguous ranges in URL order, the
 * twin's partition as Kafka's default partitioner computes it).
 */
function ownerRoute(urls: string[]): (twinId: string) => string {
  const owners = assignPartitions(
    urls.map((url) => ({ memberId: url, url })),
    PARTITIONS,
  );
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: PARTITIONS }, (_, partitionId) => ({
    partitionId,
    partitionErrorCode: 0,
    leader: 0,
    replicas: [0],
    isr: [0],
  }));
  return (twinId) => {
    const partition = partitioner({
      topic: 'twin-events',
      partitionMetadata,
      message: { key: twinId, value: null },
    });
    return owners.find((o) => o.partitions.includes(partition))!.url;
  };
}

async function loadFor(
  urls: string[],
  method: 'GET' | 'POST',
  seconds: number,
  route?: (twinId: string) => string,
) {
  let done = 0;
  let failed = 0;
  let n = 0;
  const until = Date.now() + seconds * 1000;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (Date.now() < until) {
        const i = n++;
        const twinId = twinOf((i * 7919) % TWINS);
        const url = route ? route(twinId) : urls[i % urls.length]!;
        const answer =
          method === 'POST'
            ? await fetch(`${url}/v1/twins/${twinId}/maintenance`, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({ kind: 'inspection', performedAt: COMMISSIONED }),
              })
            : await fetch(`${url}/v1/twins/${twinId}`);
        await answer.arrayBuffer();
        if (answer.status < 300) done += 1;
        else failed += 1;
      }
    }),
  );
  return { perSecond: done / ((Date.now() - started) / 1000), failed };
}

const twinOf = (i: number) => `bench-${String(i).padStart(5, '0')}`;

async function twinsHeld(url: string): Promise<number | undefined> {
  const answer = await fetch(`${url}/health/ready`).catch(() => undefined);
  if (answer?.status !== 200) return undefined;
  return ((await answer.json()) as { twins?: number }).twins;
}

async function waitReady(urls: string[]): Promise<void> {
  for (let tries = 0; tries < 600; tries += 1) {
    const states = await Promise.all(
      urls.map((u) =>
        fetch(`${u}/health/ready`).then(
          (a) => a.status,
          () => 0,
        ),
      ),
    );
    if (states.every((s) => s === 200)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the replicas did not get ready in 2 minutes');
}

async function inParallel(count: number, width: number, work: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let i = next++; i < count; i = next++) await work(i);
    }),
  );
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error.stack ?? error.message);
    process.exit(1);
  },
);
