import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { settingsToEnv } from './infra-settings';
import { realServer } from './test-settings';

/**
 * The environment of a Twinlog service in distributed mode on this test run's real Kafka and
 * InfluxDB: topics under their own prefix (tests share the broker), a data directory of its
 * own, and a short session timeout so a stopped consumer's partitions move quickly.
 */
export function distributedServiceEnv(topicPrefix: string): Record<string, string> {
  const { kafka, influx } = { kafka: realServer('kafka'), influx: realServer('influx') };
  return {
    TWINLOG_MODE: 'distributed',
    // Other tests cover authentication; this one runs on loopback without it.
    TWINLOG_AUTH: 'off',
    TWINLOG_DATA_DIR: mkdtempSync(join(tmpdir(), 'twinlog-service-')),
    TWINLOG_TOPIC_PREFIX: topicPrefix,
    TWINLOG_PARTITIONS: '3',
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    ...settingsToEnv({ kafka, influx }),
  };
}
