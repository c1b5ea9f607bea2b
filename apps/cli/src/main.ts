import { ALERTS_USAGE, alertsCommand } from './commands/alerts.command';
import { ANOMALIES_USAGE, anomaliesCommand } from './commands/anomalies.command';
import { findApiKey } from '@twinlog/service-kit';
import { CliError, useApiKey } from './commands/api-client';
import { backtestCommand } from './commands/backtest.command';
import { DEAD_LETTERS_USAGE, deadLettersCommand } from './commands/dead-letters.command';
import { EXPLAIN_USAGE, explainCommand } from './commands/explain.command';
import { MAINTENANCE_USAGE, maintenanceCommand } from './commands/maintenance.command';
import { TWIN_USAGE, twinCommand } from './commands/twin.command';
import { WATCH_USAGE, watchCommand } from './commands/watch.command';
import { TWINS_USAGE, twinsCommand } from './commands/twins.command';
import { printable } from './commands/printable';
import { rebuildCommand } from './commands/rebuild.command';
import { REPORT_USAGE, reportCommand } from './commands/report.command';
import { RUL_USAGE, rulCommand } from './commands/rul.command';
import { SIMULATE_USAGE } from './commands/simulate-args';
import { simulateCommand } from './commands/simulate.command';
import { SIMULATE_ASK_USAGE, simulateAskCommand } from './commands/simulate-ask.command';
import { STORAGE_USAGE, storageCommand } from './commands/storage.command';
import { readCliConfig } from './config/cli.config';

const USAGE = `twinlog: the Twinlog command line

${TWINS_USAGE}
${TWIN_USAGE}
${ANOMALIES_USAGE}
${EXPLAIN_USAGE}
${WATCH_USAGE}
${ALERTS_USAGE}
${MAINTENANCE_USAGE}
${REPORT_USAGE}
${DEAD_LETTERS_USAGE}
${STORAGE_USAGE}
  twinlog rebuild               rebuild every twin from the log and verify it against the live state
  twinlog rebuild --twin ID     the same for one twin
  twinlog backtest --input data.csv --output scores.csv
                   [--fit-rows 400] [--margin 4] [--smoothing 10] [--adaptation 200]
                                run the anomaly service's multivariate detector over a CSV (timestamp,
                                then numeric columns), no server needed; writes timestamp,score,anomaly
                                per input row; the options are the twin model's anomaly.multivariate keys
${RUL_USAGE}
  ${SIMULATE_USAGE}
  ${SIMULATE_ASK_USAGE}

Environment: TWINLOG_URL (default http://127.0.0.1:8080, where \`npm start\` serves every API);
             TWINLOG_TWIN_STATE_URL, TWINLOG_SIMULATION_URL, TWINLOG_MAINTENANCE_URL,
             TWINLOG_INGESTION_URL, TWINLOG_ALERTING_URL for services
             run on their own; TWINLOG_API_KEY (or TWINLOG_API_KEY_FILE) for the key to send,
             else the admin key \`npm start\` keeps in its data directory (TWINLOG_DATA_DIR).
Exit codes: 0 done (rebuild: state verified; simulate: no alarm limit reached), 1 a negative
answer (a twin not found, a rebuilt twin differs, a limit reached), 2 usage, input or service errors.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  // eslint-disable-next-line no-restricted-syntax -- main is where the environment enters
  const config = readCliConfig(process.env);
  // eslint-disable-next-line no-restricted-syntax -- main is where the environment enters
  useApiKey(findApiKey(process.env));
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const status = (line: string) => process.stderr.write(`${line}\n`);
  const progress = (line: string) =>
    process.stderr.isTTY ? process.stderr.write(`\r${line}   `) : process.stderr.write(`${line}\n`);
  switch (command) {
    case 'twins':
      return twinsCommand(config.twinStateUrl, args, out);
    case 'twin':
      return twinCommand(config.twinStateUrl, args, out);
    case 'anomalies':
      return anomaliesCommand(config.twinStateUrl, args, out, status);
    case 'explain':
      return explainCommand(config.twinStateUrl, args, out);
    case 'watch':
      return watchCommand(config.twinStateUrl, args, out, status);
    case 'alerts':
      return alertsCommand(args, {
        base: config.alertingUrl,
        streamBase: config.twinStateUrl,
        webhookSecret: config.webhookSecret,
        cwd: config.callerCwd,
        now: () => new Date(),
        out,
        status,
      });
    case 'maintenance':
      return maintenanceCommand(config.maintenanceUrl, args, out);
    case 'report':
      return reportCommand(config.maintenanceUrl, args, out);
    case 'dead-letters':
      return deadLettersCommand(config.ingestionUrl, args, out);
    case 'storage':
      return storageCommand(config.twinStateUrl, args, out);
    case 'rebuild':
      return rebuildCommand(config.twinStateUrl, args, out, progress);
    case 'backtest':
      return backtestCommand(args, config.callerCwd, out);
    case 'rul':
      return rulCommand(args, config.callerCwd, out, progress);
    case 'simulate':
      if (args.includes('--ask'))
        return simulateAskCommand(config.simulationUrl, args, out, progress);
      return simulateCommand(config.simulationUrl, args, config.callerCwd, out, progress);
    case undefined:
    case 'help':
    case '--help':
      out(USAGE);
      return 0;
    default:
      process.stderr.write(`unknown command "${command}"\n\n${USAGE}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // Every message that can carry a server's (or a model's) words, printed without controls.
    process.stderr.write(`twinlog: ${printable((error as Error).message)}\n`);
    process.exit(error instanceof CliError ? error.exitCode : 2);
  },
);
