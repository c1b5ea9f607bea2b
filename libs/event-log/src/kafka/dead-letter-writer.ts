import type { DeadLetter, DeadLetterReplay } from '../event-log.port';
import { capDeadLetter } from '../shared/dead-letter-cap';
import { RECORD_HEADER, REPLAY_RECORD } from './kafka-dead-letters';
import type { ProduceBatcher } from './produce-batcher';

/**
 * Writes to the dead-letter topic through the log's group commit: letters (capped, keyed by
 * their consumer, their code in a header) and the records of their replays (see
 * kafka-dead-letters.ts, which reads both back).
 */
export class DeadLetterWriter {
  constructor(
    private readonly batcher: ProduceBatcher,
    private readonly topic: string,
  ) {}

  async letter(letter: DeadLetter): Promise<void> {
    const capped = capDeadLetter(letter);
    await this.batcher.produce(this.topic, [
      { key: capped.consumer, value: JSON.stringify(capped), headers: { code: capped.code } },
    ]);
  }

  async replayRecord(replay: DeadLetterReplay): Promise<void> {
    await this.batcher.produce(this.topic, [
      {
        key: 'dead-letter-replay',
        value: JSON.stringify(replay),
        headers: { [RECORD_HEADER]: REPLAY_RECORD },
      },
    ]);
  }
}
