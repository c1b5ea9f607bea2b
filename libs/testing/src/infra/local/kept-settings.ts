import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { freePort } from '../ports';

/**
 * What a local server started on kept data must find again on its next start (its ports, an
 * InfluxDB token), stored beside the data. Only for kept data (npm run start:distributed,
 * infra:up); a test run's servers start afresh each time.
 */
export function readKept<T>(workDir: string, name: string): T | undefined {
  const file = join(workDir, `${name}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined;
}

export function writeKept(workDir: string, name: string, value: unknown): void {
  writeFileSync(join(workDir, `${name}.json`), JSON.stringify(value, null, 2));
}

/** The port used last time if it is free again, else a new free one. */
export async function portAgain(previous: number | undefined): Promise<number> {
  if (previous !== undefined && (await isFree(previous))) return previous;
  return freePort();
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
