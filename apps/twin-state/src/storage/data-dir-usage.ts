import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';

export interface FileUsage {
  file: string;
  bytes: number;
  holds: string;
}

/** What each file of the embedded data directory holds, by its name. */
function holdsOf(file: string): string {
  if (/^events\.sqlite/.test(file))
    return 'event log (twin-events, telemetry, alerts), snapshots, keys';
  if (/^telemetry\.sqlite/.test(file)) return 'time-series store (every reading, full resolution)';
  if (/stream-index\.sqlite/.test(file)) return 'per-twin read index (a cache of the Kafka topics)';
  if (file.endsWith('.key')) return 'access key';
  return 'other';
}

/**
 * The data directory's files and the bytes each takes on disk (allocated blocks, as `du`
 * counts them: a sparse or preallocated file is what the disk gives it), largest first.
 */
export async function dataDirUsage(dir: string): Promise<FileUsage[]> {
  const files: FileUsage[] = [];
  const walk = async (at: string): Promise<void> => {
    for (const entry of await readdir(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) {
        const info = await stat(path).catch(() => undefined);
        // A file removed while the directory is read (a WAL checkpointed away) takes nothing.
        if (!info) continue;
        const name = relative(dir, path);
        files.push({ file: name, bytes: info.blocks * 512, holds: holdsOf(entry.name) });
      }
    }
  };
  await walk(dir);
  return files.sort((a, b) => b.bytes - a.bytes || a.file.localeCompare(b.file));
}
