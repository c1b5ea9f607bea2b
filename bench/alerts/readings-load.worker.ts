// The reading load of the alerts benchmark, in a worker thread so that the client's own work
// does not run on the services' event loop: `rate` readings/s in batches every `tickMs`, normal
// temperatures with a little noise, and every `faultEvery` seconds a burst of readings in the
// failure band on the next machine (each machine once), reported back when it was accepted.
import { parentPort, workerData } from 'node:worker_threads';

interface LoadJob {
  url: string;
  machines: string[];
  rate: number;
  seconds: number;
  warmUpSeconds: number;
  faultEverySeconds: number;
  tickMs: number;
}

const FAULT_READINGS = 30;
/** A faulted machine sends nothing normal for this long (its burst is the episode). */
const FAULT_HOLD_MS = 500;

async function run(job: LoadJob): Promise<void> {
  const { url, machines, rate, seconds, warmUpSeconds, faultEverySeconds, tickMs } = job;
  const start = Date.now();
  const end = start + (warmUpSeconds + seconds) * 1000;
  let sent = 0;
  let next = 0;
  let faults = 0;
  const quietUntil = new Map<string, number>();
  // Each twin's readings 1 ms apart at least: a reading's id derives from its time.
  const lastAt = new Map<string, number>();
  const timeFor = (twinId: string, now: number) => {
    const at = Math.max(now, (lastAt.get(twinId) ?? 0) + 1);
    lastAt.set(twinId, at);
    return new Date(at).toISOString();
  };
  let inFlight = 0;
  while (Date.now() < end) {
    const now = Date.now();
    const due = Math.floor(((now - start) / 1000) * rate) - sent;
    const fault =
      now - start >= (warmUpSeconds + faults * faultEverySeconds) * 1000 && faults < machines.length
        ? machines[faults]!
        : undefined;
    if (due > 0 || fault) {
      const readings: unknown[] = [];
      for (let i = 0; i < due; i += 1) {
        const twinId = machines[next++ % machines.length]!;
        if ((quietUntil.get(twinId) ?? 0) > now) continue;
        readings.push({
          twinId,
          property: 'temperature',
          value: 40 + Math.random(),
          time: timeFor(twinId, now),
        });
      }
      if (fault) {
        faults += 1;
        quietUntil.set(fault, now + FAULT_HOLD_MS);
        for (let i = 0; i < FAULT_READINGS; i += 1)
          readings.push({
            twinId: fault,
            property: 'temperature',
            value: 120,
            time: timeFor(fault, now),
          });
      }
      sent += due;
      inFlight += 1;
      const body = JSON.stringify(readings);
      void fetch(`${url}/v1/readings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      })
        .then(async (response) => {
          await response.arrayBuffer();
          if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
          if (fault) parentPort!.postMessage({ fault, acceptedAt: Date.now() });
          parentPort!.postMessage({ accepted: readings.length });
        })
        .catch((error: unknown) => parentPort!.postMessage({ error: (error as Error).message }))
        .finally(() => (inFlight -= 1));
    }
    await new Promise((r) => setTimeout(r, tickMs));
  }
  while (inFlight > 0) await new Promise((r) => setTimeout(r, 20));
}

run(workerData as LoadJob).then(
  () => parentPort!.postMessage({ finished: true }),
  (error: unknown) => parentPort!.postMessage({ error: (error as Error).message }),
);
