import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { IncomingReading } from '@twinlog/domain';
import type { EventLog, RecordedDeadLetter } from '@twinlog/event-log';
import { EVENT_LOG } from '@twinlog/service-kit';
import { ReadingIntake } from '../intake/reading-intake.service';
import { replayableReading, viewsOf, type DeadLetterView } from './dead-letter-view';

export interface DeadLetterFilter {
  code?: string;
  since?: string;
  ids?: string[];
}

export interface DeadLetterPageRequest {
  code?: string | undefined;
  /** The earliest refusal time (inclusive). */
  from?: string | undefined;
  limit: number;
  /** The id of the letter the page continues after. */
  after?: string | undefined;
}

/**
 * The payload bytes one page of the list carries at most (each letter keeps at most
 * DEAD_LETTER_PAYLOAD_BYTES): a page stops early there and gives its next.
 */
export const DEAD_LETTER_PAGE_BYTES = 1024 * 1024;
/** Letters a replay reads and sends through ingestion at a time. */
const REPLAY_PAGE = 500;

export interface ReplayResult {
  id: string;
  status: 'accepted' | 'duplicate' | 'refused' | 'already-replayed' | 'not-replayable';
  code?: string;
  message?: string;
}

export interface ReplayReport {
  at: string;
  by: string;
  accepted: number;
  duplicates: number;
  refused: number;
  skipped: number;
  results: ReplayResult[];
}

/**
 * Dead letters: listed with their ids, and replayed through the intake's normal checks. A
 * letter whose reading got into the log (accepted now, or found a duplicate of one that is) is
 * recorded as such on the dead-letter log and never sent again, whatever the de-duplication
 * window still remembers; still-refused readings are not dead-lettered a second time.
 */
@Injectable()
export class DeadLetters {
  private readonly logger = new Logger(DeadLetters.name);
  /** One replay at a time in this instance: two at once could both judge the same letter new. */
  private replaying: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLog,
    private readonly intake: ReadingIntake,
  ) {}

  /** One page of the list: only that page is read from the log. */
  async page(
    request: DeadLetterPageRequest,
  ): Promise<{ deadLetters: DeadLetterView[]; next: string | null } | 'cursor past end'> {
    const { code, from, limit, after } = request;
    const page = await this.log.readDeadLetterPage({
      after,
      code,
      since: from,
      limit,
      maxBytes: DEAD_LETTER_PAGE_BYTES,
    });
    if (page.afterEnd) return 'cursor past end';
    return { deadLetters: await this.views(page.letters), next: page.next };
  }

  /** The letters with these ids that exist, in log order. */
  async byIds(ids: string[]): Promise<DeadLetterView[]> {
    return this.views(await this.log.readDeadLettersById(ids));
  }

  /** The ids that name no dead letter (read a chunk at a time: letters are not kept). */
  async unknownIds(ids: string[]): Promise<string[]> {
    const unknown: string[] = [];
    for (let i = 0; i < ids.length; i += REPLAY_PAGE) {
      const chunk = ids.slice(i, i + REPLAY_PAGE);
      const found = new Set((await this.log.readDeadLettersById(chunk)).map((l) => l.id));
      unknown.push(...chunk.filter((id) => !found.has(id)));
    }
    return unknown;
  }

  private async views(letters: RecordedDeadLetter[]): Promise<DeadLetterView[]> {
    if (letters.length === 0) return [];
    return viewsOf(letters, await this.log.readDeadLetterReplays());
  }

  /** Every letter the filter selects, a page at a time. */
  private async *pages(filter: DeadLetterFilter): AsyncGenerator<DeadLetterView[]> {
    if (filter.ids) {
      const ids = [...new Set(filter.ids)];
      for (let i = 0; i < ids.length; i += REPLAY_PAGE)
        yield this.byIds(ids.slice(i, i + REPLAY_PAGE));
      return;
    }
    let after: string | undefined;
    do {
      const page = await this.log.readDeadLetterPage({
        after,
        code: filter.code,
        since: filter.since,
        limit: REPLAY_PAGE,
        maxBytes: DEAD_LETTER_PAGE_BYTES,
      });
      yield this.views(page.letters);
      after = page.next ?? undefined;
    } while (after !== undefined);
  }

  replay(filter: DeadLetterFilter, by: string): Promise<ReplayReport> {
    const run = this.replaying.then(() => this.replayNow(filter, by));
    this.replaying = run.catch(() => undefined);
    return run;
  }

  private async replayNow(filter: DeadLetterFilter, by: string): Promise<ReplayReport> {
    const at = new Date().toISOString();
    const results: ReplayResult[] = [];
    let attempted = 0;
    for await (const letters of this.pages(filter)) {
      attempted += await this.replayPage(letters, by, results);
    }
    const count = (...s: ReplayResult['status'][]) =>
      results.filter((r) => s.includes(r.status)).length;
    const report: ReplayReport = {
      at,
      by,
      accepted: count('accepted'),
      duplicates: count('duplicate', 'already-replayed'),
      refused: count('refused'),
      skipped: count('not-replayable'),
      results: results.sort((a, b) => compareIds(a.id, b.id)),
    };
    // A replay that only skipped letters changed nothing: recording it would only grow the log.
    if (attempted > 0) {
      await this.log.recordDeadLetterReplay({
        at,
        by,
        accepted: results
          .filter((r) => r.status === 'accepted' || r.status === 'duplicate')
          .map((r) => r.id),
        refused: results.flatMap((r) =>
          r.status === 'refused' ? [{ id: r.id, code: r.code ?? 'UNKNOWN' }] : [],
        ),
        skipped: results.filter((r) => r.status === 'not-replayable').map((r) => r.id),
      });
    }
    this.logger.log(
      `dead letters replayed by ${by}: ${report.accepted} accepted, ${report.duplicates} already in the log, ${report.refused} still refused, ${report.skipped} not replayable`,
    );
    return report;
  }

  /** Sends a page's replayable letters through ingestion; returns how many it sent. */
  private async replayPage(
    letters: DeadLetterView[],
    by: string,
    results: ReplayResult[],
  ): Promise<number> {
    const sent: Array<{ id: string; reading: IncomingReading }> = [];
    for (const letter of letters) {
      const check = replayableReading(letter);
      if (!check.ok) {
        results.push({ id: letter.id, status: 'not-replayable', message: check.because });
      } else if (letter.lastReplay?.outcome === 'accepted') {
        results.push({ id: letter.id, status: 'already-replayed' });
      } else sent.push({ id: letter.id, reading: check.reading as unknown as IncomingReading });
    }
    if (sent.length === 0) return 0;
    const report = await this.intake.accept(
      sent.map((s) => s.reading),
      {
        channel: 'replay',
        detail: `dead-letter replay by ${by}`,
        correlationId: randomUUID(),
      },
      { deadLetterRejected: false },
    );
    for (const r of report.results) {
      const id = sent[r.index]!.id;
      results.push(
        r.status === 'rejected'
          ? { id, status: 'refused', code: r.error.code, message: r.error.message }
          : { id, status: r.status },
      );
    }
    return sent.length;
  }
}

/** Dead-letter ids are positions ("12", or "2-12" on another partition): ordered as numbers. */
export function compareIds(a: string, b: string): number {
  const parts = (id: string) => (id.includes('-') ? id.split('-') : ['0', id]).map(Number);
  const [pa, oa] = parts(a);
  const [pb, ob] = parts(b);
  return pa! - pb! || oa! - ob!;
}
