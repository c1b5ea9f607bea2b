// The HTTP load generator of the ingestion benchmark, in a worker thread so that the client's
// own work (sending bodies, parsing answers) does not run on the service's event loop.
import { parentPort, workerData } from 'node:worker_threads';

interface LoadJob {
  url: string;
  bodies: string[];
  concurrency: number;
  expected: number;
}

async function run({ url, bodies, concurrency, expected }: LoadJob): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        const report = (await response.json()) as { accepted: number };
        if (response.status !== 200 || report.accepted !== expected) {
          throw new Error(`HTTP ${response.status}: ${JSON.stringify(report).slice(0, 300)}`);
        }
        parentPort!.postMessage({ done: 1 });
      }
    }),
  );
}

run(workerData as LoadJob).then(
  () => parentPort!.postMessage({ finished: true }),
  (error: unknown) => parentPort!.postMessage({ error: (error as Error).message }),
);
