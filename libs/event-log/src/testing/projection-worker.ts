// A consumer process for the crash test: applies events to a durable node:sqlite projection,
// one event per transaction and slowly, so a SIGKILL lands mid-batch after some effects are
// durable and before the batch's offset is committed. On SIGTERM it stops cleanly.
// Usage: node -r ./tools/dev/register.cjs projection-worker.ts <brokers> <topicPrefix> <group> <db> <delayMs>
import { DatabaseSync } from 'node:sqlite';
import { KafkaEventLog } from '../kafka/kafka-event-log';

async function main(): Promise<void> {
  const [brokers, topicPrefix, group, dbPath, delay] = process.argv.slice(2);
  // WAL and a busy timeout: the test reads the projection while this process writes it.
  const db = new DatabaseSync(dbPath!);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;');
  db.exec(`CREATE TABLE IF NOT EXISTS position (twin_id TEXT, stream TEXT, revision INTEGER, PRIMARY KEY (twin_id, stream));
           CREATE TABLE IF NOT EXISTS applied (event_id TEXT PRIMARY KEY, times INTEGER NOT NULL);
           CREATE TABLE IF NOT EXISTS redelivered (n INTEGER NOT NULL); INSERT INTO redelivered SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM redelivered);`);
  const log = await KafkaEventLog.connect({
    brokers: brokers!.split(','),
    topicPrefix: topicPrefix!,
    partitions: 2,
    sessionTimeoutMs: 6_000,
    rebalanceTimeoutMs: 10_000,
  });
  await log.subscribe({
    group: group!,
    streams: ['telemetry'],
    maxBatchSize: 25,
    handler: async (batch) => {
      for (const { event, position } of batch) {
        db.exec('BEGIN IMMEDIATE');
        try {
          const row = db
            .prepare('SELECT revision FROM position WHERE twin_id = ? AND stream = ?')
            .get(event.twinId, position.stream);
          if (row && Number(row['revision']) >= event.revision) {
            db.prepare('UPDATE redelivered SET n = n + 1').run();
          } else {
            db.prepare(
              'INSERT INTO position VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET revision = excluded.revision',
            ).run(event.twinId, position.stream, event.revision);
            db.prepare(
              'INSERT INTO applied VALUES (?, 1) ON CONFLICT DO UPDATE SET times = times + 1',
            ).run(event.id);
          }
          db.exec('COMMIT');
        } catch (error) {
          db.exec('ROLLBACK');
          throw error;
        }
        await new Promise((r) => setTimeout(r, Number(delay)));
      }
    },
  });
  // A clean stop as a service's (service-kit's shutdownOnSignals, which this library cannot
  // import): the batch in hand finishes, its offset is committed, the member leaves the group.
  process.once('SIGTERM', () => {
    void log
      .close()
      .then(() => db.close())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  });
  process.stdout.write('subscribed\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
