import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  bounded,
  boundedError,
  ECHO_LIMITS,
  screenReadings,
  stampEvents,
  telemetryEventsFor,
  type IncomingReading,
  type ModelCatalog,
  type NewEvent,
  type ReadingVerdict,
  type TwinlogError,
} from '@twinlog/domain';
import type { DeadLetter, EventLog } from '@twinlog/event-log';
import { TwinDirectory } from '@twinlog/read-models';
import {
  EVENT_LOG,
  LogUnavailableError,
  MODEL_CATALOG,
  ServiceReadiness,
} from '@twinlog/service-kit';
import type { IngestionConfig } from '../config/ingestion.config';
import { INGESTION_CONFIG } from '../tokens';
import type { IntakeReport, ReadingOrigin, ReadingResult } from './intake-report';
import { RecentReadingIds } from './recent-reading-ids';
import { readRecentReadingKeys } from './recent-reading-keys';

export interface IntakeOptions {
  deadLetterRejected?: boolean;
  originOf?: (index: number) => string;
  /** The sites the sender may write to; a twin of another site is, to it, no twin at all. */
  sees?: (site: string | null) => boolean;
}

/** Readings judged and their ids claimed, not yet appended (see ReadingIntake.prepare). */
export interface PreparedReadings {
  /** Appends the accepted readings and dead-letters the refused; on failure releases the claims. */
  commit(): Promise<IntakeReport>;
  /** Gives the claimed reading ids back, for a batch that will not be committed. */
  release(): void;
}

/** The directory or the de-duplication window is still being rebuilt from the log. */
export class NotReadyError extends Error {
  readonly retriable = true;
  constructor() {
    super(
      'ingestion is starting: the twin directory and the de-duplication window are still being read from the log',
    );
    this.name = 'NotReadyError';
  }
}

/**
 * The one path every reading takes (HTTP, MQTT, the enterprise topic): screened against its
 * twin's model, accepted readings appended as TelemetryReported events (one per twin and
 * chunk), rejected ones dead-lettered with their reason. It resolves only once the log has
 * acknowledged both, so a caller that sees success never loses a reading.
 */
@Injectable()
export class ReadingIntake {
  private readonly logger = new Logger(ReadingIntake.name);
  private readonly recent: RecentReadingIds;

  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(MODEL_CATALOG) private readonly catalog: ModelCatalog,
    @Inject(INGESTION_CONFIG) private readonly config: IngestionConfig,
    private readonly directory: TwinDirectory,
    private readonly readiness: ServiceReadiness,
  ) {
    this.recent = new RecentReadingIds(config.intake.dedupeWindow);
  }

  /** Whether readings can be judged: the directory and the de-duplication window are rebuilt. */
  get ready(): boolean {
    return this.readiness.ready;
  }

  /**
   * Refills the de-duplication window from the telemetry stream's tail, so a resend after a
   * crash (whose answer was lost) is still a duplicate (ADR 0004). Readiness waits for it.
   */
  async restoreWindow(): Promise<void> {
    const started = Date.now();
    const { keys, events } = await readRecentReadingKeys(this.log, this.config.intake.dedupeWindow);
    for (const key of keys) this.recent.add(key);
    this.logger.log(
      `de-duplication window ready: ${keys.length} reading ids from ${events} telemetry events in ${Date.now() - started} ms`,
    );
  }

  /**
   * `deadLetterRejected: false` for readings that are already dead letters (a replay): a reading
   * still refused is not dead-lettered again. `originOf` names where each reading came from when
   * one call carries several sources' readings (an MQTT batch: each message's topic).
   */
  async accept(
    inputs: IncomingReading[],
    origin: ReadingOrigin,
    options: IntakeOptions = {},
  ): Promise<IntakeReport> {
    return this.prepare(inputs, origin, options).commit();
  }

  /**
   * `accept` in two steps: judging and claiming the reading ids now (CPU only), appending when
   * `commit` is called. An input that appends in order can judge its next batch while the
   * previous one is being appended. A prepared batch that will never be committed must be
   * released, or its reading ids would stay claimed.
   */
  prepare(
    inputs: IncomingReading[],
    origin: ReadingOrigin,
    { deadLetterRejected = true, originOf, sees }: IntakeOptions = {},
  ): PreparedReadings {
    if (!this.ready) throw new NotReadyError();
    const now = new Date().toISOString();
    const verdicts = screenReadings(inputs, {
      catalog: this.catalog,
      now,
      maxFutureSkewMs: this.config.intake.maxFutureSkewMs,
      twin: (id) => {
        const twin = this.directory.get(id);
        return twin && (!sees || sees(twin.site)) ? twin : undefined;
      },
      seen: (key) => this.recent.has(key),
    });
    const accepted = verdicts.flatMap((v) => (v.status === 'accepted' ? [v] : []));
    // Claimed before the append, so a concurrent resend is answered as a duplicate.
    // Screening found each absent and unique in the batch, in this same tick.
    accepted.forEach((a) => this.recent.addUnseen(a.key));
    const events = this.eventsFor(accepted, origin, now);
    const letters = verdicts.flatMap((v, i) =>
      v.status === 'rejected' && deadLetterRejected
        ? [this.letter(v.error, inputs[i], originOf?.(i) ?? origin.detail, origin.channel, now)]
        : [],
    );
    const release = () => accepted.forEach((a) => this.recent.delete(a.key));
    return {
      commit: async () => {
        const [appended, ...lettered] = await Promise.allSettled([
          events.length > 0 ? this.log.append(events) : undefined,
          ...letters.map((l) => this.log.deadLetter(l)),
        ]);
        // Unclaimed only when the append failed: readings in the log stay claimed, so the
        // caller's resend (after a dead letter failed) is answered as duplicates, not appended again.
        if (appended!.status === 'rejected') {
          release();
          throw new LogUnavailableError(appended!.reason);
        }
        const failed = lettered.find((r) => r.status === 'rejected');
        if (failed) throw new LogUnavailableError(failed.reason);
        return report(verdicts);
      },
      release,
    };
  }

  /**
   * Input refused before it became readings (malformed JSON, a body too large): dead-lettered as
   * is; `payloadEncoding: 'base64'` for bytes that are not text (an MQTT payload).
   */
  async rejectUnread(
    error: TwinlogError | { code: string; message: string },
    payload: string,
    origin: ReadingOrigin,
    payloadEncoding?: 'base64',
  ): Promise<void> {
    try {
      const letter = this.letter(
        error,
        payload,
        origin.detail,
        origin.channel,
        new Date().toISOString(),
      );
      await this.log.deadLetter(payloadEncoding ? { ...letter, payloadEncoding } : letter);
    } catch (cause) {
      throw new LogUnavailableError(cause);
    }
  }

  private eventsFor(
    accepted: Array<Extract<ReadingVerdict, { status: 'accepted' }>>,
    origin: ReadingOrigin,
    now: string,
  ): NewEvent[] {
    return telemetryEventsFor(accepted, this.config.intake.maxReadingsPerEvent).flatMap(
      ({ twinId, event }) =>
        stampEvents(twinId, [event], {
          commandId: randomUUID(),
          correlationId: origin.correlationId,
          causationId: null,
          producer: `ingestion/${origin.channel}${origin.actor ? `/${origin.actor}` : ''}`,
          now,
        }),
    );
  }

  private letter(
    error: { code: string; message: string },
    input: unknown,
    detail: string,
    channel: ReadingOrigin['channel'],
    now: string,
  ): DeadLetter {
    return {
      at: now,
      consumer: 'ingestion',
      code: error.code,
      reason: bounded(error.message, ECHO_LIMITS.message),
      source: { stream: `ingestion/${channel}`, origin: detail },
      payload: typeof input === 'string' ? input : (JSON.stringify(input) ?? String(input)),
    };
  }
}

function report(verdicts: ReadingVerdict[]): IntakeReport {
  const results = verdicts.map((v, index): ReadingResult => {
    switch (v.status) {
      case 'accepted':
        return { index, status: 'accepted', twinId: v.twinId, readingId: v.reading.readingId };
      case 'duplicate':
        return { index, status: 'duplicate', twinId: v.twinId, readingId: v.readingId };
      case 'rejected':
        return { index, status: 'rejected', error: boundedError(v.error) };
    }
  });
  const count = (s: ReadingResult['status']) => results.filter((r) => r.status === s).length;
  return {
    accepted: count('accepted'),
    duplicates: count('duplicate'),
    rejected: count('rejected'),
    results,
  };
}
