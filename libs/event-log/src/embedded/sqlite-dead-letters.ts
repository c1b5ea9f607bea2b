import type { DatabaseSync } from 'node:sqlite';
import type {
  DeadLetter,
  DeadLetterPage,
  DeadLetterPageQuery,
  DeadLetterReplay,
  RecordedDeadLetter,
} from '../event-log.port';
import { capDeadLetter } from '../shared/dead-letter-cap';

const LETTER_COLUMNS = 'seq, at, consumer, code, reason, source, payload, payload_bytes';

/**
 * The embedded log's dead letters and the record of their replays (docs/adr/0011): written
 * capped, read whole, by page or by id, each read bounded by what it returns.
 */
export class SqliteDeadLetters {
  /** Letters read from the table so far: tests hold reads to what a page needs. */
  recordsRead = 0;

  constructor(private readonly db: DatabaseSync) {}

  write(letter: DeadLetter): void {
    const capped = capDeadLetter(letter);
    this.db
      .prepare(
        'INSERT INTO dead_letters (at, consumer, code, reason, source, payload, payload_bytes) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        capped.at,
        capped.consumer,
        capped.code,
        capped.reason,
        JSON.stringify(capped.source),
        capped.payload,
        capped.payloadBytes ?? null,
      );
  }

  recordReplay(replay: DeadLetterReplay): void {
    this.db
      .prepare('INSERT INTO dead_letter_replays (body) VALUES (?)')
      .run(JSON.stringify(replay));
  }

  replays(): DeadLetterReplay[] {
    return this.db
      .prepare('SELECT body FROM dead_letter_replays ORDER BY seq')
      .all()
      .map((row) => JSON.parse(String(row['body'])) as DeadLetterReplay);
  }

  all(): RecordedDeadLetter[] {
    return this.db
      .prepare(`SELECT ${LETTER_COLUMNS} FROM dead_letters ORDER BY seq`)
      .all()
      .map((row) => this.letterOf(row));
  }

  page(query: DeadLetterPageQuery): DeadLetterPage {
    // Indexed by seq, by code and by time; the statement is stepped row by row and stopped at
    // the page's count or bytes, so one page's work is bounded whatever the log holds.
    let after = query.after === undefined ? 0 : Number(query.after);
    if (after > 0) {
      const last = this.db.prepare('SELECT MAX(seq) AS seq FROM dead_letters').get()?.['seq'];
      if (after > Number(last ?? 0)) return { letters: [], next: null, afterEnd: true };
    }
    const since = query.since === undefined ? undefined : new Date(query.since).toISOString();
    if (since !== undefined) {
      // Letters are recorded in time order (nearly: producers stamp them): start at the first.
      const first = this.db
        .prepare('SELECT MIN(seq) AS seq FROM dead_letters WHERE at >= ?')
        .get(since);
      const seq = first?.['seq'];
      if (seq === null || seq === undefined) return { letters: [], next: null };
      after = Math.max(after, Number(seq) - 1);
    }
    const where = ['seq > ?'];
    const params: Array<string | number> = [after];
    if (query.code !== undefined) {
      where.push('code = ?');
      params.push(query.code);
    }
    if (since !== undefined) {
      where.push('at >= ?');
      params.push(since);
    }
    const rows = this.db
      .prepare(
        `SELECT ${LETTER_COLUMNS} FROM dead_letters WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`,
      )
      .iterate(...params, query.limit + 1);
    const letters: RecordedDeadLetter[] = [];
    let bytes = 0;
    let next: string | null = null;
    for (const row of rows) {
      if (letters.length >= query.limit || (letters.length > 0 && bytes >= query.maxBytes)) {
        next = letters[letters.length - 1]!.id;
        break;
      }
      const letter = this.letterOf(row);
      bytes += letter.payload.length;
      letters.push(letter);
    }
    return { letters, next };
  }

  byId(ids: string[]): RecordedDeadLetter[] {
    const seqs = [...new Set(ids.filter((id) => /^\d{1,15}$/.test(id)).map(Number))];
    const select = this.db.prepare(`SELECT ${LETTER_COLUMNS} FROM dead_letters WHERE seq = ?`);
    return seqs
      .sort((a, b) => a - b)
      .flatMap((seq) => {
        const row = select.get(seq);
        return row ? [this.letterOf(row)] : [];
      });
  }

  private letterOf(row: Record<string, unknown>): RecordedDeadLetter {
    this.recordsRead++;
    const payloadBytes = row['payload_bytes'];
    return {
      id: String(row['seq']),
      at: String(row['at']),
      consumer: String(row['consumer']),
      code: String(row['code']),
      reason: String(row['reason']),
      source: JSON.parse(String(row['source'])),
      payload: String(row['payload']),
      ...(payloadBytes === null || payloadBytes === undefined
        ? {}
        : { payloadBytes: Number(payloadBytes) }),
    };
  }
}
