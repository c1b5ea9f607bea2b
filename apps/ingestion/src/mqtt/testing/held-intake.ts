import type { IncomingReading } from '@twinlog/domain';
import { LogUnavailableError } from '@twinlog/service-kit';
import type { IntakeReport, ReadingOrigin } from '../../intake/intake-report';

/** An intake that records what it was given and answers when the test lets it. */
export class HeldIntake {
  accepted: IncomingReading[][] = [];
  refused: Array<{ code: string; origin: string }> = [];
  failNext = 0;
  private gate: Promise<void> = Promise.resolve();
  private open: () => void = () => undefined;

  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }

  release(): void {
    this.open();
  }

  async accept(readings: IncomingReading[]): Promise<IntakeReport> {
    await this.gate;
    if (this.failNext > 0) {
      this.failNext--;
      throw new LogUnavailableError(new Error('broker down'));
    }
    this.accepted.push(readings);
    return { accepted: readings.length, duplicates: 0, rejected: 0, results: [] };
  }

  /** Judging is immediate here; what the test holds is the append (commit). */
  prepare(readings: IncomingReading[]) {
    return { commit: () => this.accept(readings), release: () => undefined };
  }

  async rejectUnread(error: { code: string }, _payload: string, origin: ReadingOrigin) {
    await this.gate;
    this.refused.push({ code: error.code, origin: origin.detail });
  }
}
