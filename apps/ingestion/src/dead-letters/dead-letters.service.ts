import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { IncomingReading } from '@twinlog/domain';
import type { Infrastructure } from '@twinlog/service-kit';
import { ReadingIntake } from '../intake/reading-intake.service';
import { INFRASTRUCTURE } from '../tokens';
import { replayableReading, viewsOf, type DeadLetterView } from './dead-letter-view';

export interface DeadLetterFilter {
  code?: string;
  since?: string;
  ids?: string[];
}

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
    @Inject(INFRASTRUCTURE) private readonly infra: Infrastructure,
    private readonly intake: ReadingIntake,
  ) {}

  async list(filter: DeadLetterFilter = {}): Promise<DeadLetterView[]> {
    const [letters, replays] = await Promise.all([
      this.infra.log.readDeadLetters(),
      this.infra.log.readDeadLetterReplays(),
    ]);
    const sinceMs = filter.since === undefined ? undefined : Date.parse(filter.since);
    const ids = filter.ids === undefined ? undefined : new Set(filter.ids);
    return viewsOf(letters, replays).filter(
      (l) =>
        (filter.code === undefined || l.code === filter.code) &&
        (sinceMs === undefined || Date.parse(l.at) >= sinceMs) &&
        (ids === undefined || ids.has(l.id)),
    );
  }

  replay(filter: DeadLetterFilter, by: string): Promise<ReplayReport> {
    const run = this.replaying.then(() => this.replayNow(filter, by));
    this.replaying = run.catch(() => undefined);
    return run;
  }

  private async replayNow(filter: DeadLetterFilter, by: string): Promise<ReplayReport> {
    const letters = await this.list(filter);
    const results: ReplayResult[] = [];
    const sent: Array<{ id: string; reading: IncomingReading }> = [];
    for (const letter of letters) {
      const check = replayableReading(letter);
      if (!check.ok) {
        results.push({ id: letter.id, status: 'not-replayable', message: check.because });
      } else if (letter.lastReplay?.outcome === 'accepted') {
        results.push({ id: letter.id, status: 'already-replayed' });
      } else sent.push({ id: letter.id, reading: check.reading as unknown as IncomingReading });
    }
    const at = new Date().toISOString();
    if (sent.length > 0) {
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
    if (sent.length > 0 || results.length > 0) {
      await this.infra.log.recordDeadLetterReplay({
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
}

/** Dead-letter ids are positions ("12", or "2-12" on another partition): ordered as numbers. */
export function compareIds(a: string, b: string): number {
  const parts = (id: string) => (id.includes('-') ? id.split('-') : ['0', id]).map(Number);
  const [pa, oa] = parts(a);
  const [pb, ob] = parts(b);
  return pa! - pb! || oa! - ob!;
}
