import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadModelCatalog, SEED_MODELS_DIR } from '@twinlog/model-files';
import { isPlantSimError, machinePhysicsFromModel, PLANT_TWIN_TYPES } from '@twinlog/plant-sim';
import { findApiKey } from '@twinlog/service-kit';
import { parseCli } from './config/cli-options';
import { USAGE } from './config/usage';
import { progressLine, summaryLine } from './run/progress-line';
import { startPlantSimulator } from './run/plant-simulator';
import { watchPlantStream, type StreamWatch } from './run/stream-watch';

const NON_TTY_PROGRESS_MS = 10_000;

async function main(argv: string[]): Promise<number> {
  const tty = process.stderr.isTTY === true;
  let lastLine = '';
  let lastPrinted = 0;
  const clearProgress = () => {
    if (tty && lastLine) process.stderr.write(`\r${' '.repeat(lastLine.length)}\r`);
  };
  const log = (line: string) => {
    clearProgress();
    process.stderr.write(`${line}\n`);
    if (tty && lastLine) process.stderr.write(lastLine);
  };

  let watch: StreamWatch | undefined;
  // eslint-disable-next-line no-restricted-syntax -- main is where the environment enters
  const apiKey = findApiKey(process.env);
  let request: ReturnType<typeof parseCli>;
  let run: ReturnType<typeof startPlantSimulator>;
  try {
    request = parseCli(argv, {
      nowMs: Date.now(),
      readText: (path) => readFileSync(resolve(path), 'utf8'),
      physicsFrom: (dir) =>
        machinePhysicsFromModel(
          loadModelCatalog(dir ?? SEED_MODELS_DIR).get(PLANT_TWIN_TYPES.machine),
        ),
    });
    if (request.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    run = startPlantSimulator({
      ...request.options,
      ...optionalKey(apiKey),
      log,
      onProgress: (stats) => {
        const line = progressLine(stats) + (watch ? seenLine(watch) : '');
        if (tty) {
          clearProgress();
          process.stderr.write(line);
          lastLine = line;
        } else if (Date.now() - lastPrinted >= NON_TTY_PROGRESS_MS || stats.state === 'stopped') {
          lastPrinted = Date.now();
          process.stderr.write(`${line}\n`);
        }
      },
    });
  } catch (error) {
    if (!isPlantSimError(error)) throw error;
    const details =
      (error.details['problems'] as string[] | undefined)?.map((p) => `\n  ${p}`) ?? [];
    process.stderr.write(`simulate-plant: ${error.code}: ${error.message}${details.join('')}\n`);
    process.stderr.write('Run with --help for the options.\n');
    return 2;
  }
  log(`simulating ${run.plan.describe}`);
  // Registering means a twin-state to talk to: its live stream shows the plant reacting.
  if (request.options.register)
    watch = watchPlantStream(
      request.options.twinState ?? 'http://127.0.0.1:8082',
      run.plan.site,
      apiKey,
      log,
    );
  log(
    `plant time starts at ${new Date(run.plan.plantStartMs).toISOString()}, speed ${run.plan.speed}x` +
      (run.plan.speed > 1 && run.plan.intervalMs !== undefined
        ? ' (live at 1x once it reaches the present)'
        : ''),
  );

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      log(`${signal}: stopping; delivering what is queued (again to quit at once)`);
      void run.stop();
      return;
    }
    log(`${signal} again: quitting with ${run.stats.pending} readings undelivered`);
    process.exit(1);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const end = await run.done;
  watch?.stop();
  clearProgress();
  lastLine = '';
  if (tty) process.stderr.write('\n');
  process.stdout.write(request.json ? `${JSON.stringify(end)}\n` : `${summaryLine(end)}\n`);
  return end.failure || end.rejected > 0 || end.pending > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`simulate-plant: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(2);
  },
);

/** What came back on the live stream, after the progress line. */
function seenLine({ seen }: StreamWatch): string {
  return ` | seen ${seen.changes.toLocaleString('en-US')} changes, ${seen.anomaliesOpen} anomalies open${seen.predictions ? `, ${seen.predictions} predictions` : ''}`;
}

/** The key to send, when there is one (TWINLOG_API_KEY, or the embedded admin key). */
function optionalKey(apiKey: string | undefined): { apiKey?: string } {
  return apiKey ? { apiKey } : {};
}
