import { ensureDashboardBuilt } from '@twinlog/app-dashboard';
import { serviceLogger, shutdownOnSignals } from '@twinlog/service-kit';
import { startAllInOne } from './all-in-one';
import { readAllInOneConfig, type AllInOneConfig } from './config/all-in-one.config';

/** `npm start`: all of Twinlog in one process, embedded by default. */
async function main(): Promise<void> {
  // eslint-disable-next-line no-restricted-syntax -- main is where the environment enters
  const env = process.env;
  const config = readAllInOneConfig(env);
  const loggerFor = (service: string) => serviceLogger(service, config.service.logFormat);
  const simulatorLog = loggerFor('plant-simulator');
  process.stdout.write(`Starting Twinlog (${config.service.mode} mode)...\n`);
  await ensureDashboardBuilt((line) => process.stdout.write(`${line}\n`));
  const running = await startAllInOne(config, env, loggerFor, (line) => simulatorLog.log(line));
  process.stdout.write(banner(config, running.url));
  shutdownOnSignals([running], {
    log: (line) => loggerFor('twinlog').log(line),
  });
}

function banner(config: AllInOneConfig, url: string): string {
  const where =
    config.service.mode === 'embedded'
      ? `data kept in ${config.service.dataDir} (delete it to start afresh)`
      : `Kafka ${config.service.kafka.brokers.join(',')}, InfluxDB ${config.service.influx.url}`;
  const sim = config.simulator
    ? `a plant simulator feeds a line of ${config.simulator.machines} CNC machines at ${config.simulator.speed}x speed, with faults injected over the next minutes`
    : 'no simulator (TWINLOG_SIMULATOR=off): send readings to POST /v1/readings';
  return [
    '',
    `Twinlog is running (${config.service.mode} mode)`,
    `  Web      ${url}/   the dashboard${signIn(config)}`,
    `  API      ${url}   e.g. curl ${url}/v1/twins`,
    `  CLI      npx twinlog twins   (npx twinlog --help for more)`,
    `  Data     ${where}`,
    `  Plant    ${sim}`,
    '  Stop     Ctrl-C (or SIGTERM); the state is kept and replayed on the next start',
    '',
    '',
  ].join('\n');
}

/** Which key the dashboard's login wants, when it wants one. */
function signIn(config: AllInOneConfig): string {
  const auth = config.service.auth;
  if (!auth.enabled) return '';
  const file =
    auth.bootstrapKeyFile ??
    (config.service.mode === 'embedded' ? `${config.service.dataDir}/admin.key` : undefined);
  return file ? ` (sign in with the key in ${file})` : ' (sign in with an API key)';
}

main().catch((error: unknown) => {
  process.stderr.write(`Twinlog failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
