// The live-stream benchmark's clients, in a worker thread so that parsing 1,000 streams does
// not run on the service's event loop: each opens GET /v1/stream with its filter, parses SSE
// with eventsource-parser, and records for each state change the delay from the reading's
// acceptance (the event's recordedAt) to its arrival here.
import { request, Agent } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { createParser } from 'eventsource-parser';

interface ClientsJob {
  url: string;
  queries: string[];
}

const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
let measuring = false;
const delays: number[] = [];
let messages = 0;
let fellBehind = 0;
let dropped = 0;
const loopDelay = monitorEventLoopDelay({ resolution: 10 });

function open(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: { accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`${url}: HTTP ${res.statusCode}`));
      const parser = createParser({
        onEvent: (e) => {
          if (e.event === 'fell-behind') fellBehind += 1;
          if (e.event !== 'state-changed' || !measuring) return;
          messages += 1;
          // The data's recordedAt, read without parsing all of it (the server is measured).
          const at = e.data.indexOf('"recordedAt":"');
          delays.push(Date.now() - Date.parse(e.data.slice(at + 14, at + 38)));
        },
      });
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => parser.feed(chunk));
      res.on('close', () => (dropped += 1));
      resolve();
    });
    req.on('error', reject);
    req.end();
  });
}

async function run({ url, queries }: ClientsJob): Promise<void> {
  // Opened 50 at a time, as a thousand dashboards reconnecting after a restart would not all
  // arrive in the same millisecond either.
  for (let i = 0; i < queries.length; i += 50)
    await Promise.all(queries.slice(i, i + 50).map((q) => open(`${url}/v1/stream${q}`)));
  parentPort!.postMessage({ opened: queries.length });
  parentPort!.on('message', (m: { measure?: boolean; report?: boolean }) => {
    if (m.measure) {
      measuring = true;
      loopDelay.enable();
    }
    if (m.report) {
      measuring = false;
      const clientLoop = {
        p99: Math.round(loopDelay.percentile(99) / 1e6),
        max: Math.round(loopDelay.max / 1e6),
      };
      parentPort!.postMessage({ delays, messages, fellBehind, dropped, clientLoop });
    }
  });
}

run(workerData as ClientsJob).catch((error: unknown) => {
  parentPort!.postMessage({ error: String(error) });
});
