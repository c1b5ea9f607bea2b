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
});
