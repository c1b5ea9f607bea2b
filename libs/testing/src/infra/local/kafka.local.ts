import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import type { KafkaSettings } from '../infra-settings';
import type { ProvisionedServer, StartOptions } from '../provisioned-server';
import { cacheDir, repoRoot } from '../cache-dir';
import { freePort } from '../ports';
import { runScript } from '../run-script';
import { ServerProcess, waitUntilReady } from '../server-process';
import { findExecutable } from './find-executable';
import { portAgain, readKept, writeKept } from './kept-settings';
import { testCertificates } from './test-certificates';

/** The SASL user of the secured listeners (SCRAM-SHA-512, SCRAM-SHA-256 and PLAIN). */
const SASL_USER = 'twinlog-test';

interface KafkaPorts {
  port: number;
  controllerPort: number;
  saslPort?: number;
  tlsPort?: number;
  saslPassword?: string;
}

const run = promisify(execFile);
const kafkaDir = () => join(repoRoot(), 'tools', 'infra', 'kafka');

/**
 * Starts Apache Kafka as a single KRaft node (broker + controller) from the broker's Maven
 * Central jars, which tools/infra/kafka/fetch-kafka.sh caches under ~/.cache/twinlog/kafka.
 */
export async function startLocalKafka(
  options: StartOptions,
): Promise<ProvisionedServer<KafkaSettings>> {
  const java = findExecutable('java');
  if (!java)
    throw new Error(
      'Java 17+ is needed to run the Kafka broker: sudo apt-get install -y openjdk-17-jre-headless',
    );

  const libs = await runScript(
    join(kafkaDir(), 'fetch-kafka.sh'),
    { TWINLOG_CACHE_DIR: cacheDir() },
    options.progress,
  );
  const version = basename(dirname(libs));
  const kept = options.keepData ? readKept<KafkaPorts>(options.workDir, 'kafka-ports') : undefined;
  const taken = new Set<number>();
  const distinct = async (previous: number | undefined) => {
    let chosen = await portAgain(previous);
    while (taken.has(chosen)) chosen = await freePort();
    taken.add(chosen);
    return chosen;
  };
  const port = await distinct(kept?.port);
  const controllerPort = await distinct(kept?.controllerPort);
  const saslPort = await distinct(kept?.saslPort);
  const tlsPort = await distinct(kept?.tlsPort);
  // Hex: Kafka's `--add-scram` syntax splits on ',' and '='.
  const saslPassword = kept?.saslPassword ?? randomBytes(12).toString('hex');
  const certificates = await testCertificates(options.workDir, 'kafka');
  const dataDir = join(options.workDir, 'kafka-data');
  // Kept data was formatted on its first run: formatting again would refuse (or lose it).
  const formatted = options.keepData && existsSync(join(dataDir, 'meta.properties'));
  mkdirSync(dataDir, { recursive: true });
  if (options.keepData)
    writeKept(options.workDir, 'kafka-ports', {
      port,
      controllerPort,
      saslPort,
      tlsPort,
      saslPassword,
    } satisfies KafkaPorts);
  const props = join(options.workDir, 'kafka-server.properties');
  writeFileSync(
    props,
    readFileSync(join(kafkaDir(), 'server.properties.template'), 'utf8')
      .replaceAll('{{PORT}}', String(port))
      .replaceAll('{{CONTROLLER_PORT}}', String(controllerPort))
      .replaceAll('{{SASL_PORT}}', String(saslPort))
      .replaceAll('{{TLS_PORT}}', String(tlsPort))
      .replaceAll('{{TLS_KEYSTORE}}', certificates.keystoreFile)
      .replaceAll('{{SASL_USER}}', SASL_USER)
      .replaceAll('{{SASL_PASSWORD}}', saslPassword)
      .replaceAll('{{LOG_DIR}}', dataDir)
      .replaceAll('{{NODE_ID}}', '1'),
  );
  const classpath = `${libs}/*`;
  const log4j = `-Dlog4j.configuration=file:${join(kafkaDir(), 'log4j.properties')}`;
  // Kafka's own `random-uuid` is 16 random bytes in base64url; making it here saves a JVM start.
  const clusterId = randomBytes(16).toString('base64url');
  // `--cluster-id=` form: a base64url id may start with '-', which would read as an option.
  if (!formatted)
    await run(java, [
      '-cp',
      classpath,
      log4j,
      'kafka.tools.StorageTool',
      'format',
      `--cluster-id=${clusterId}`,
      `--config=${props}`,
      // The SCRAM user lives in the cluster metadata: added here, no second JVM start needed.
      ...['SCRAM-SHA-512', 'SCRAM-SHA-256'].flatMap((m) => [
        '--add-scram',
        `${m}=[name=${SASL_USER},password=${saslPassword}]`,
      ]),
    ]);

  const brokers = [`127.0.0.1:${port}`];
  const launch = async () => {
    const started = ServerProcess.start({
      name: `Kafka ${version}`,
      command: java,
      args: [
        '-Xms256m',
        '-Xmx768m',
        '-XX:+UseG1GC',
        '-Djava.awt.headless=true',
        log4j,
        '-cp',
        classpath,
        'kafka.Kafka',
        props,
      ],
      logFile: join(options.workDir, 'kafka.log'),
      detached: options.detached,
    });
    await waitUntilReady(started, () => brokerAnswers(brokers), 90_000);
    return started;
  };
  let server = await launch();
  await warmUp(brokers);
  const secured = {
    saslBrokers: [`127.0.0.1:${saslPort}`],
    tlsBrokers: [`127.0.0.1:${tlsPort}`],
    caFile: certificates.caFile,
    username: SASL_USER,
    password: saslPassword,
  };
  return {
    settings: { brokers, secured },
    source: 'local',
    description: `Kafka ${version} at ${brokers[0]} (local KRaft node, log: ${server.logFile})`,
    get pids() {
      return [server.pid];
    },
    stop: () => server.stop(20_000),
    // A clean stop (a rolling broker restart) or a SIGKILL (a crash), and a start on the same
    // data and ports. `whileDown` runs in between, to show what clients do during an outage.
    restart: async (whileDown?: () => Promise<void>, how: 'stop' | 'kill' = 'stop') => {
      await (how === 'kill' ? server.kill() : server.stop(20_000));
      try {
        await whileDown?.();
      } finally {
        server = await launch();
      }
    },
  };
}

async function brokerAnswers(brokers: string[]): Promise<boolean> {
  const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0 && cluster.controller !== null;
  } finally {
    await admin.disconnect();
  }
}

/**
 * A new broker answers the first idempotent producer and the first group lookup with
 * "coordinator loading" (retried, but logged as errors); touching both once keeps test logs clean.
 */
async function warmUp(brokers: string[]): Promise<void> {
  const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  try {
    await admin.connect();
    await admin.describeGroups(['twinlog-warm-up']);
    await producer.connect();
  } finally {
    await Promise.allSettled([admin.disconnect(), producer.disconnect()]);
  }
}
