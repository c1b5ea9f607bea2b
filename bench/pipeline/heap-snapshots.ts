import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  statSync,
} from 'node:fs';
import { join } from 'node:path';
import { heapLines, summariseHeap } from './heap-summary';
import type { Stack } from './stack';

const WRITE_TIMEOUT_MS = 300_000;

/** Makes each process's directory for the snapshots its --diagnostic-dir names. */
export function prepareHeapDirs(heapDir: string, names: string[]): void {
  for (const name of names) mkdirSync(join(heapDir, name), { recursive: true });
}

/**
 * Where each service's memory is (its RSS split into the V8 heap, the memory V8 is told of
 * outside it, and the rest), then what its heap holds: a diagnostic report (SIGTTIN) and a heap
 * snapshot (SIGUSR2), see startStack's heapDir. One process at a time, so that two never write
 * at once; a process writes its snapshot synchronously and answers nothing meanwhile, which is
 * why this runs after the drain.
 */
export async function takeHeapSnapshots(
  stack: Stack,
  heapDir: string,
  say: (line: string) => void,
): Promise<string[]> {
  const lines: string[] = [];
  for (const p of stack.processes) {
    const dir = join(heapDir, p.name);
    say(`memory report and heap snapshot of ${p.name} (pid ${p.pid})...`);
    const rss = residentOf(p.pid);
    let before = new Set(readdirSync(dir));
    process.kill(p.pid, 'SIGTTIN');
    const report = JSON.parse(
      readFileSync(await written(dir, before, '.json', '}'), 'utf8'),
    ) as DiagnosticReport;
    before = new Set(readdirSync(dir));
    process.kill(p.pid, 'SIGUSR2');
    const file = await written(dir, before, '.heapsnapshot', ']}');
    lines.push(`${p.name}: ${file}`, memoryLine(rss, report), ...heapLines(summariseHeap(file)));
  }
  return lines;
}

interface DiagnosticReport {
  javascriptHeap: {
    totalCommittedMemory: number;
    usedMemory: number;
    externalMemory: number;
    mallocedMemory: number;
  };
}

/** RSS split by kind (Linux /proc/PID/status), in bytes. */
function residentOf(pid: number): { rss: number; anonymous: number; files: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) =>
    1024 * Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS'), anonymous: kb('RssAnon'), files: kb('RssFile') + kb('RssShmem') };
}

function memoryLine(rss: ReturnType<typeof residentOf>, report: DiagnosticReport): string {
  const mb = (b: number) => (b / 1048576).toFixed(0);
  const heap = report.javascriptHeap;
  const rest = rss.anonymous - heap.totalCommittedMemory - heap.externalMemory;
  return (
    `  RSS ${mb(rss.rss)} MB: mapped files ${mb(rss.files)} (code, libraries), anonymous ${mb(rss.anonymous)} = ` +
    `V8 heap ${mb(heap.totalCommittedMemory)} committed (${mb(heap.usedMemory)} in use) + external ${mb(heap.externalMemory)} (Buffers and other memory V8 is told of) + ` +
    `${mb(rest)} other native (malloc arenas, SQLite, compiled code, thread stacks)`
  );
}

/** The new file of that kind in dir, once complete (it ends with `closing`). */
async function written(
  dir: string,
  before: Set<string>,
  ending: string,
  closing: string,
): Promise<string> {
  const deadline = Date.now() + WRITE_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const name = readdirSync(dir).find((f) => f.endsWith(ending) && !before.has(f));
    if (name && endsWith(join(dir, name), closing)) return join(dir, name);
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no complete ${ending} file in ${dir} after ${WRITE_TIMEOUT_MS / 1000} s`);
}

function endsWith(file: string, closing: string): boolean {
  const size = statSync(file).size;
  const fd = openSync(file, 'r');
  try {
    // A report ends with a newline after its closing brace.
    const tail = Buffer.alloc(Math.min(size, closing.length + 2));
    readSync(fd, tail, 0, tail.length, size - tail.length);
    return tail.toString().trimEnd().endsWith(closing);
  } finally {
    closeSync(fd);
  }
}
