import { backtestCommand } from './commands/backtest.command';
import { rebuildCommand } from './commands/rebuild.command';
import { RUL_USAGE, rulCommand } from './commands/rul.command';
import { SIMULATE_USAGE, simulateCommand } from './commands/simulate.command';
import { readCliConfig } from './config/cli.config';

const USAGE = `twinlog: the Twinlog command line

  twinlog rebuild               rebuild every twin from the log and verify it against the live state
  twinlog rebuild --twin ID     the same for one twin
  twinlog backtest --input data.csv --output scores.csv
                   [--fit-rows 400] [--margin 4] [--smoothing 10] [--adaptation 200]
                                run the anomaly service's multivariate detector over a CSV (timestamp,
                                then numeric columns), no server needed; writes timestamp,score,anomaly
                                per input row; the options are the twin model's anomaly.multivariate keys
${RUL_USAGE}
  ${SIMULATE_USAGE}

Environment: TWINLOG_TWIN_STATE_URL (default http://127.0.0.1:8082),
             TWINLOG_SIMULATION_URL (default http://127.0.0.1:8084)
Exit code: 0 when the rebuilt state equals the live state, 1 when a twin differs, 2 on errors.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  // eslint-disable-next-line no-restricted-syntax -- main is where the environment enters
  const config = readCliConfig(process.env);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const progress = (line: string) =>
    process.stderr.isTTY ? process.stderr.write(`\r${line}   `) : process.stderr.write(`${line}\n`);
  switch (command) {
    case 'rebuild':
      return rebuildCommand(config.twinStateUrl, args, out, progress);
    case 'backtest':
      return backtestCommand(args, config.callerCwd, out);
    case 'rul':
      return rulCommand(args, config.callerCwd, out, progress);
    case 'simulate':
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
    process.stderr.write(`twinlog: ${(error as Error).message}\n`);
    process.exit(2);
  },
);
