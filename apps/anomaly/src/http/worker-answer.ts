import { z } from 'zod';

const count = z.number().int().nonnegative();

/** What GET /v1/worker answers: this worker's partitions and counters. */
export const WORKER_ANSWER = z.object({
  partitions: z.array(z.number().int()),
  twinsMonitored: count,
  readingsJudged: count,
  readingsReplayed: count,
  eventsAppended: count,
  restores: count,
  unknownTwins: count,
  secondOpinion: z
    .object({
      enabled: z.boolean().describe('AI is on and at least one twin type is opted in'),
      twinTypes: z.array(z.string()).describe('TWINLOG_AI_SECOND_OPINION_TYPES'),
      intervalSeconds: count.describe('one ask per twin per window of this much event time'),
      perHour: count.describe('asks per worker per hour at most'),
      windowsClosed: count.describe('windows of opted-in twins closed while following live'),
      asked: count.describe('asks made (one per window, unless skipped)'),
      nothingUnusual: count,
      possibleAnomalies: count,
      findingsAppended: count.describe('AiFindingRecorded newly appended'),
      skippedRateLimited: count.describe(
        'windows left unasked: TWINLOG_AI_SECOND_OPINION_PER_HOUR held them until they were stale',
      ),
      skippedQueueFull: count.describe(
        'windows left unasked: the queue was full of windows of twins asked longer ago',
      ),
      skippedStale: count.describe(
        "windows left unasked: they ended more than one interval before their twin's newest reading (a backlog after an outage)",
      ),
      failed: count.describe('asks that failed (model server, invalid answers, budget)'),
      queued: count.describe('windows waiting for the model now'),
    })
    .describe('The opt-in AI second opinion (docs/ai.md)'),
});
