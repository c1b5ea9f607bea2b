import { readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { heapLines, summariseHeap } from './heap-summary';
import { memoryOf, type Resident } from './proc-figures';
import type { Stack } from './stack';

const WRITE_TIMEOUT_MS = 300_000;

/** The parts of a Node diagnostic report (`--report-on-signal`) read here. */
export interface DiagnosticReport {
  javascriptHeap: { totalCommittedMemory: number; usedMemory: number; externalMemory: number };
}

/**
 * Where each service's memory is (its RSS split into the V8 heap, the memory V8 is told of
 * outside it, and the rest), then what its heap holds: a diagnostic report (SIGTTIN) and a heap
 * snapshot (SIGUSR2), which startStack's heapDir turns on. One process at a time, so that two
 * never write at once; a process writes its snapshot synchronously and answers nothing
 * meanwhile, which is why this runs last. A process that failed here, or had exited, gets a
 * line saying so, and the rest go on.
 */
export async function takeHeapSnapshots(
  stack: Stack,
  heapDir: string,
  say: (line: string) => void,
): Promise<string[]> {
  const lines: string[] = [];
  for (const p of stack.processes) {
    if (stack.exitedAt(p.name) > 0) {
      lines.push(`${p.name}: exited before its heap could be looked at`);
      continue;
    }
    try {
      const dir = join(heapDir, p.name);
      say(`memory report and heap snapshot of ${p.name} (pid ${p.pid})...`);
      const resident = memoryOf(p.pid);
      const reportFile = await newFileOf(p.pid, dir, '.json', () => process.kill(p.pid, 'SIGTTIN'));
      const report = JSON.parse(readFileSync(reportFile, 'utf8')) as DiagnosticReport;
      const snapshot = await newFileOf(p.pid, dir, '.heapsnapshot', () =>
        process.kill(p.pid, 'SIGUSR2'),
      );
      lines.push(
        `${p.name}: ${snapshot}`,
        memoryLine(resident, report),
        ...heapLines(summariseHeap(snapshot)),
      );
    } catch (error) {
      lines.push(`${p.name}: no heap figures: ${(error as Error).message}`);
    }
  }
  return lines;
}

/** The RSS in its parts, as one line. */
export function memoryLine(resident: Resident, report: DiagnosticReport): string {
  const mb = (bytes: number) => (bytes / 1048576).toFixed(0);
  const heap = report.javascriptHeap;
  const rest = resident.anonymousMb * 1048576 - heap.totalCommittedMemory - heap.externalMemory;
  return (
    `  RSS ${resident.rssMb.toFixed(0)} MB: mapped files ${resident.filesMb.toFixed(0)} (Node, libraries), ` +
    `anonymous ${resident.anonymousMb.toFixed(0)} = V8 heap ${mb(heap.totalCommittedMemory)} committed (${mb(heap.usedMemory)} in use, garbage included) + ` +
    `external ${mb(heap.externalMemory)} (Buffers and other memory V8 is told of) + ${mb(rest)} other native (the C allocator's, SQLite's, thread stacks)`
  );
}

/**
 * Asks the process for a file (`ask`) and waits for the new file of that kind in dir to be
 * complete: the process has closed it (no descriptor of it under /proc/PID/fd). Node writes a
 * snapshot in chunks, so a look at its last bytes could catch it halfway.
 */
async function newFileOf(
  pid: number,
  dir: string,
  ending: string,
  ask: () => void,
): Promise<string> {
  const before = new Set(readdirSync(dir));
  ask();
  const deadline = Date.now() + WRITE_TIMEOUT_MS;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    const name = readdirSync(dir).find((f) => f.endsWith(ending) && !before.has(f));
    if (name && !isOpenIn(pid, realpathSync(join(dir, name)))) return join(dir, name);
  }
  throw new Error(`no complete ${ending} file in ${dir} after ${WRITE_TIMEOUT_MS / 1000} s`);
}

function isOpenIn(pid: number, file: string): boolean {
  const fds = `/proc/${pid}/fd`;
  return readdirSync(fds).some((fd) => {
    try {
      return readlinkSync(join(fds, fd)) === file;
    } catch {
      return false; // closed between the listing and the look
    }
  });
}
