// Soak benchmark (issue 15): the embedded all-in-one (`npm start`, simulator off) as its own
// process under a steady stream of readings over HTTP, its resident set size (RSS) sampled every
// few seconds. Prints a table and the RSS slope over the last half of the run: a process that
// levels off shows a slope near zero there, a leak a steady climb.
//
//   npm run bench:soak -- [--minutes 10] [--rate 5000] [--batch 500] [--twins 100]
//                         [--sample-seconds 10] [--sync normal|full] [--heap-snapshots DIR]
//
// --heap-snapshots DIR writes a V8 heap snapshot of the measured process into DIR a third of the
// way in and at the end (SIGUSR2, --heapsnapshot-signal), to compare in Chrome DevTools. The load
// pauses while one is written: a snapshot freezes the process for seconds and doubles its heap.
// The load comes from this process (not the measured one); every answer is checked (200 with
// every reading accepted), and the rate actually reached is reported beside the target.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, registerTwinOverHttp, repoRoot, tsRunner } from '@twinlog/testing';
import { arg } from '../event-log/bench-util';
import { rssSlope, rssTable, type RssSample } from './rss-report';

const MINUTES = arg('minutes', 10);
const RATE = arg('rate', 5_000);
const BATCH = arg('batch', 500);
const TWINS = arg('twins', 100);
const SAMPLE_S = arg('sample-seconds', 10);
const MAX_IN_FLIGHT = 8;
const SNAPSHOT_DIR = valueOf('heap-snapshots');
// The embedded log's durability (TWINLOG_EMBEDDED_SYNC), to see what full costs under load.
const SYNC = valueOf('sync') ?? 'normal';
const PROPERTIES: Array<[string, (n: number) => number]> = [
  ['temperature', (n) => 40 + (n % 17) * 0.5],
  ['vibration', (n) => 1.2 + (n % 11) * 0.05],
  ['spindle_speed', (n) => 9000 + (n % 13) * 100],
  ['power_consumption', (n) => 8 + (n % 7) * 0.3],
];

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'twinlog-soak-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const twinlog = startAllInOne(dataDir, port);
  try {
    await waitReady(url, twinlog);
    const twinIds = Array.from({ length: TWINS }, (_, i) => `soak-${i}`);
    for (const twinId of twinIds) {
      await registerTwinOverHttp(url, {
        twinId,
        twinType: 'cnc-milling-machine',
        site: 'soak',
        commissionedAt: new Date(Date.now() - 86_400_000).toISOString(),
      });
    }
    console.log(
      `embedded all-in-one pid ${twinlog.pid} at ${url}, data ${dataDir}; ${RATE.toLocaleString('en-US')} readings/s in batches of ${BATCH} over ${TWINS} twins for ${MINUTES} min, TWINLOG_EMBEDDED_SYNC=${SYNC}`,
    );
    const samples = await drive(url, twinIds, twinlog.pid!);
    console.log(`\n${rssTable(samples)}`);
    const slope = rssSlope(samples.slice(Math.floor(samples.length / 2)));
    console.log(
      `RSS slope over the last half: ${slope.toFixed(3)} MB/s (${(slope * 60).toFixed(1)} MB/min); whole run: ${rssSlope(samples).toFixed(3)} MB/s`,
    );
  } finally {
    twinlog.kill('SIGTERM');
    await new Promise((r) => twinlog.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function startAllInOne(dataDir: string, port: number): ChildProcess {
  const main = join(repoRoot(), 'apps', 'all-in-one', 'src', 'main.ts');
  const snapshots = SNAPSHOT_DIR
    ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${SNAPSHOT_DIR}`]
    : [];
  const child = spawn(process.execPath, [...snapshots, ...tsRunner(), main], {
    cwd: repoRoot(),
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      TWINLOG_MODE: 'embedded',
      // Measured without authentication (loopback only): the bench measures the pipeline.
      TWINLOG_AUTH: 'off',
      TWINLOG_DATA_DIR: dataDir,
      TWINLOG_HTTP_PORT: String(port),
      TWINLOG_SIMULATOR: 'off',
      TWINLOG_EMBEDDED_SYNC: SYNC,
      TWINLOG_LOG_FORMAT: 'json',
    },
  });
  return child;
}

async function drive(url: string, twinIds: string[], pid: number): Promise<RssSample[]> {
  const started = Date.now();
  const end = started + MINUTES * 60_000;
  const samples: RssSample[] = [{ seconds: 0, rssMb: rssMb(pid), readings: 0 }];
  let sent = 0;
  let accepted = 0;
  let inFlight = 0;
  let failures = 0;
  let failure: Error | undefined;
  const post = async (n0: number) => {
    const now = Date.now();
    const body = Array.from({ length: BATCH }, (_, i) => {
      const n = n0 + i;
      const [property, value] = PROPERTIES[n % PROPERTIES.length]!;
      return {
        twinId: twinIds[Math.floor(n / PROPERTIES.length) % twinIds.length]!,
        property,
        value: value(n),
        time: new Date(now - BATCH + i).toISOString(),
        readingId: `r-${n}`,
      };
    });
    // An obedient client: a batch that fails as a whole is sent again (ingestion de-duplicates by
    // reading id); each failure is counted and its first few printed, so none goes unnoticed.
    for (let attempt = 1; ; attempt++) {
      const answer = await fetch(`${url}/v1/readings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const report = (await answer.json()) as { accepted?: number; duplicates?: number };
      if (answer.status === 200 && (report.accepted ?? 0) + (report.duplicates ?? 0) === BATCH)
        break;
      failures += 1;
      if (failures <= 5)
        process.stderr.write(
          `[soak] batch refused (attempt ${attempt}): HTTP ${answer.status} ${JSON.stringify(report).slice(0, 200)}\n`,
        );
      if (attempt >= 5) throw new Error(`a batch failed 5 times: HTTP ${answer.status}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    accepted += BATCH;
  };
  let nextSample = started + SAMPLE_S * 1000;
  let snapshotAt = SNAPSHOT_DIR ? started + (MINUTES * 60_000) / 3 : Infinity;
  let pausedMs = 0;
  const drain = async () => {
    while (inFlight > 0) await new Promise((r) => setTimeout(r, 20));
  };
  while (Date.now() < end && !failure) {
    const due = (RATE * (Date.now() - started - pausedMs)) / 1000;
    while (sent < due && inFlight < MAX_IN_FLIGHT) {
      inFlight += 1;
      const n0 = sent;
      sent += BATCH;
      post(n0)
        .catch((e: unknown) => (failure = e as Error))
        .finally(() => (inFlight -= 1));
    }
    if (Date.now() >= nextSample) {
      const seconds = Math.round((Date.now() - started) / 1000);
      samples.push({ seconds, rssMb: rssMb(pid), readings: accepted });
      process.stderr.write(
        `[soak +${seconds}s] RSS ${rssMb(pid).toFixed(0)} MB, ${accepted.toLocaleString('en-US')} accepted, ${Math.round(accepted / seconds).toLocaleString('en-US')}/s, ${failures} batches refused and resent\n`,
      );
      nextSample += SAMPLE_S * 1000;
    }
    if (Date.now() >= snapshotAt) {
      const pausedAt = Date.now();
      await drain();
      await heapSnapshot(pid, SNAPSHOT_DIR!);
      pausedMs += Date.now() - pausedAt;
      snapshotAt = Infinity;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  await drain();
  if (failure) throw failure;
  if (SNAPSHOT_DIR) await heapSnapshot(pid, SNAPSHOT_DIR);
  const seconds = (Date.now() - started) / 1000;
  console.log(
    `${failures} batch attempts refused and resent; sent ${sent.toLocaleString('en-US')}, accepted ${accepted.toLocaleString('en-US')} in ${seconds.toFixed(0)} s: ${Math.round(accepted / seconds).toLocaleString('en-US')} readings/s (target ${RATE.toLocaleString('en-US')})`,
  );
  return samples;
}

/** Asks the process for a heap snapshot and waits until its file is complete (its size settles). */
async function heapSnapshot(pid: number, dir: string): Promise<void> {
  const before = new Set(readdirSync(dir));
  process.kill(pid, 'SIGUSR2');
  let size = -1;
  for (const deadline = Date.now() + 300_000; Date.now() < deadline;) {
    await new Promise((r) => setTimeout(r, 1_000));
    const file = readdirSync(dir).find((f) => !before.has(f) && f.endsWith('.heapsnapshot'));
    if (!file) continue;
    const now = statSync(join(dir, file)).size;
    if (now > 0 && now === size) {
      process.stderr.write(
        `[soak] heap snapshot ${join(dir, file)} (${(now / 1e6).toFixed(0)} MB)\n`,
      );
      return;
    }
    size = now;
  }
  throw new Error('no heap snapshot appeared within 300 s');
}

function valueOf(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** VmRSS of a process, from /proc (Linux). */
function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

async function waitReady(url: string, child: ChildProcess): Promise<void> {
  for (const deadline = Date.now() + 120_000; Date.now() < deadline;) {
    if (child.exitCode !== null) throw new Error(`Twinlog exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/health/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('Twinlog was not ready after 120 s');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
