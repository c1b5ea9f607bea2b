import { readFileSync } from 'node:fs';

/** A process's resident memory (Linux /proc/PID/status), in MB. */
export interface Resident {
  /** VmRSS: what it holds now. */
  rssMb: number;
  /** VmHWM: the most it has held. */
  peakMb: number;
  /** RssAnon: heap, stacks, allocations. */
  anonymousMb: number;
  /** RssFile + RssShmem: the binary, libraries and mapped files. */
  filesMb: number;
}

export function residentFromStatus(status: string): Resident {
  const mb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) / 1024;
  return {
    rssMb: mb('VmRSS'),
    peakMb: mb('VmHWM'),
    anonymousMb: mb('RssAnon'),
    filesMb: mb('RssFile') + mb('RssShmem'),
  };
}

// USER_HZ: 100 on every Linux Node supports (x86-64 and arm64 alike).
const TICKS_PER_SECOND = 100;

/** User plus system CPU seconds from /proc/PID/stat. */
export function cpuSecondsFromStat(stat: string): number {
  // The fields after the command name, which is in parentheses and may hold spaces: utime and
  // stime are the 14th and 15th fields of the line, the 12th and 13th after the name.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

export function memoryOf(pid: number): Resident {
  return residentFromStatus(readFileSync(`/proc/${pid}/status`, 'utf8'));
}

export function cpuSecondsOf(pid: number): number {
  return cpuSecondsFromStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}
