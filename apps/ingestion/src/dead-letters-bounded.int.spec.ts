import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEAD_LETTER_PAYLOAD_BYTES } from '@twinlog/event-log';
import { eventually } from '@twinlog/event-log/testing';
import { minutesAgo, startHarness, type Harness } from './testing/ingestion-harness';

/**
 * A dead-letter log filled with large refused readings (issue 15's hostile review): each letter
 * keeps at most DEAD_LETTER_PAYLOAD_BYTES, a page at most about 1 MiB, and a page or a show
 * reads only what it answers from the log, however large the log grows.
 */
describe.each([
  [
    'embedded',
    () => ({
      TWINLOG_MODE: 'embedded',
      TWINLOG_AUTH: 'off',
      TWINLOG_DATA_DIR: mkdtempSync(join(tmpdir(), 'dlb-')),
    }),
  ],
  ['Kafka', () => ({})],
])('a dead-letter log of many large refused readings (%s log)', (_mode, modeEnv) => {
  const run = randomUUID().slice(0, 8);
  const known = `rv-${run}`;
  const LETTERS = 90;
  const PROPERTY_CHARS = 300_000;
  let h: Harness;
  const start = new Date(Date.now() - 1_000).toISOString();
  const get = async (path: string) => {
    const response = await fetch(`${h.service.url}${path}`);
    const text = await response.text();
    return { status: response.status, bytes: Buffer.byteLength(text), json: JSON.parse(text) };
  };

  beforeAll(async () => {
    h = await startHarness([{ twinId: known, twinType: 'cnc-milling-machine' }], modeEnv(), run);
    for (let i = 0; i < LETTERS; i++) {
      const status = await h.post(
        JSON.stringify([
          { twinId: known, property: 'x'.repeat(PROPERTY_CHARS), value: i, time: minutesAgo(1) },
        ]),
      );
      expect(status.status).toBeGreaterThanOrEqual(200);
    }
    await eventually(
      async () => (await h.infra.log.readDeadLetters()).length >= LETTERS,
      'the dead letters',
    );
  }, 300_000);
  afterAll(async () => {
    await h?.close();
  });

  it('stores each reading cut to the cap, marked not replayable', async () => {
    const letters = await h.infra.log.readDeadLetters();
    expect(letters.length).toBeGreaterThanOrEqual(LETTERS);
    for (const letter of letters) {
      expect(Buffer.byteLength(letter.payload)).toBeLessThanOrEqual(DEAD_LETTER_PAYLOAD_BYTES);
      expect(letter.payloadBytes).toBeGreaterThan(PROPERTY_CHARS);
    }
    const shown = await get(`/v1/dead-letters/${letters[0]!.id}`);
    expect(shown.status).toBe(200);
    expect(shown.bytes).toBeLessThan(DEAD_LETTER_PAYLOAD_BYTES + 4_096);
    expect(shown.json).toMatchObject({ replayable: false, payloadBytes: expect.any(Number) });
    expect(shown.json.notReplayableBecause).toMatch(/cut/);
  });

  it('lists a page of at most about 1 MiB, reading only that page, and pages through the rest', async () => {
    const before = h.infra.log.deadLetterRecordsRead;
    const big = await get(`/v1/dead-letters?from=${start}&limit=1000`);
    expect(big.status).toBe(200);
    expect(big.bytes).toBeLessThan(1.5 * 1024 * 1024);
    expect(big.json.deadLetters.length).toBeLessThan(LETTERS);
    expect(big.json.next).toEqual(expect.any(String));
    expect(h.infra.log.deadLetterRecordsRead - before).toBeLessThanOrEqual(
      big.json.deadLetters.length + 1,
    );

    const small = h.infra.log.deadLetterRecordsRead;
    const page = await get(`/v1/dead-letters?from=${start}&limit=5&cursor=${big.json.next}`);
    expect(page.json.deadLetters).toHaveLength(5);
    expect(h.infra.log.deadLetterRecordsRead - small).toBeLessThanOrEqual(6);

    const shown = h.infra.log.deadLetterRecordsRead;
    await get(`/v1/dead-letters/${page.json.deadLetters[2].id}`);
    expect(h.infra.log.deadLetterRecordsRead - shown).toBe(1);

    const ids = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const next = await get(
        `/v1/dead-letters?from=${start}&limit=1000${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(next.bytes).toBeLessThan(1.5 * 1024 * 1024);
      for (const l of next.json.deadLetters) ids.add(l.id);
      cursor = next.json.next;
    } while (cursor && ++pages < 50);
    expect(ids.size).toBeGreaterThanOrEqual(LETTERS);
  });

  it('records nothing for a replay that only skips letters', async () => {
    expect((await h.post('{"readings": [oops')).status).toBe(400);
    let first: { id: string } | undefined;
    await eventually(async () => {
      [first] = (await get(`/v1/dead-letters?code=JSON_MALFORMED&from=${start}`)).json.deadLetters;
      return first !== undefined;
    }, 'the whole-request letter');
    const before = (await h.infra.log.readDeadLetterReplays()).length;
    const response = await fetch(`${h.service.url}/v1/dead-letters/replay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ids: [first!.id] }),
    });
    expect(await response.json()).toMatchObject({ accepted: 0, refused: 0, skipped: 1 });
    expect(await h.infra.log.readDeadLetterReplays()).toHaveLength(before);
  });
});
