import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { foldTwin, initialTwinState } from '@twinlog/domain';
import { eventually } from '@twinlog/event-log/testing';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { repoRoot, tsRunner } from '@twinlog/testing';
import { DEAD_LETTERS_CURSOR } from './dead-letters/dead-letter-query';
import { minutesAgo, registerTwins, startHarness, type Harness } from './testing/ingestion-harness';

/** Dead letters are fixed by replaying them: the issue 15 part "Dead letters that can be fixed". */
describe.each([
  [
    'embedded',
    () => ({
      TWINLOG_MODE: 'embedded',
      TWINLOG_AUTH: 'off',
      TWINLOG_DATA_DIR: mkdtempSync(join(tmpdir(), 'dl-')),
    }),
  ],
  ['Kafka', () => ({})],
])('dead letters can be replayed (%s log)', (_mode, modeEnv) => {
  const run = randomUUID().slice(0, 8);
  const known = `mill-${run}`;
  const missing = `late-${run}`;
  let h: Harness;
  let restarted: Harness | undefined;
  /** The two letters of the unknown twin's readings (the wait for the directory may add more). */
  let ids: string[] = [];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests probe the JSON freely
  type Answer = { status: number; json: any };
  const get = async (path: string): Promise<Answer> => {
    const response = await fetch(`${h.service.url}${path}`);
    return { status: response.status, json: await response.json() };
  };
  const replay = async (body: unknown, on: Harness = h): Promise<Answer> => {
    const response = await fetch(`${on.service.url}/v1/dead-letters/replay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, json: await response.json() };
  };
  const loggedIds = async (twinId: string) =>
    (await h.infra.log.readStream(twinId, { streams: ['telemetry'] })).flatMap((e) =>
      e.type === 'TelemetryReported' ? e.data.readings.map((r) => r.readingId) : [],
    );

  const env = modeEnv();
  beforeAll(async () => {
    h = await startHarness([{ twinId: known, twinType: 'cnc-milling-machine' }], env, run);
  }, 120_000);
  afterAll(async () => {
    await restarted?.close();
    await h?.close();
  });

  it('dead-letters readings for an unknown twin, and replays them once the twin is registered', async () => {
    const refused = await h.post(
      JSON.stringify([
        {
          twinId: missing,
          property: 'temperature',
          value: 40,
          time: minutesAgo(6),
          readingId: 'a',
        },
        {
          twinId: missing,
          property: 'temperature',
          value: 41,
          time: minutesAgo(5),
          readingId: 'b',
        },
        { twinId: known, property: 'temperature', value: 39, time: minutesAgo(5) },
      ]),
    );
    expect(refused.status).toBe(207);
    expect((await h.post('{"readings": [oops')).status).toBe(400);

    await eventually(
      async () =>
        (await get('/v1/dead-letters?code=TWIN_NOT_FOUND')).json.deadLetters?.length === 2,
      'the two dead letters listed',
    );
    const listed = (await get('/v1/dead-letters?code=TWIN_NOT_FOUND')).json.deadLetters;
    ids = listed.map((l: { id: string }) => l.id);
    expect(listed.map((l: { replayable: boolean }) => l.replayable)).toEqual([true, true]);
    const malformed = (await get('/v1/dead-letters?code=JSON_MALFORMED')).json.deadLetters;
    expect(malformed).toHaveLength(1);
    expect(malformed[0]).toMatchObject({ replayable: false });
    expect(malformed[0].notReplayableBecause).toMatch(/whole request/);
    const shown = await get(`/v1/dead-letters/${listed[0].id}`);
    expect(shown.json).toMatchObject({ id: listed[0].id, code: 'TWIN_NOT_FOUND' });
    const page = await get('/v1/dead-letters?limit=1');
    expect(page.json.deadLetters).toHaveLength(1);
    const next = await get(`/v1/dead-letters?limit=1&cursor=${page.json.next}`);
    expect(next.json.deadLetters[0].id).not.toBe(page.json.deadLetters[0].id);

    // Still unknown: refused again, and not dead-lettered a second time.
    const early = await replay({ code: 'TWIN_NOT_FOUND', by: 'spec' });
    expect(early.json).toMatchObject({ accepted: 0, refused: 2 });
    expect((await get('/v1/dead-letters?code=TWIN_NOT_FOUND')).json.deadLetters).toHaveLength(2);

    await registerTwins(h.infra.log, h.infra, [
      { twinId: missing, twinType: 'cnc-milling-machine' },
    ]);
    await eventually(
      async () =>
        (
          await h.post(
            JSON.stringify([
              { twinId: missing, property: 'vibration', value: 1, time: minutesAgo(1) },
            ]),
          )
        ).status === 200,
      'the twin in the directory',
    );
    const fixed = await replay({ ids, by: 'spec' });
    expect(fixed.status).toBe(200);
    expect(fixed.json).toMatchObject({ accepted: 2, duplicates: 0, refused: 0 });
    expect((await loggedIds(missing)).filter((id) => id === 'a' || id === 'b').sort()).toEqual([
      'a',
      'b',
    ]);
    const state = foldTwin(await h.infra.log.readStream(missing), initialTwinState(missing));
    expect(state.reported['temperature']?.value).toBe(41);

    // Replaying again appends nothing: the letters are recorded as replayed.
    const again = await replay({ ids, by: 'spec' });
    expect(again.json).toMatchObject({ accepted: 0, duplicates: 2 });
    expect((await loggedIds(missing)).filter((id) => id === 'a' || id === 'b')).toHaveLength(2);
    const after = (await get(`/v1/dead-letters/${listed[0].id}`)).json;
    // Recorded as the authenticated caller (the demo admin here, authentication being off), with
    // the body's `by` as a note.
    expect(after.lastReplay).toMatchObject({ by: 'anonymous (spec)', outcome: 'accepted' });

    // The whole-request letter is shown but not replayed.
    const whole = await replay({ ids: [malformed[0].id] });
    expect(whole.json).toMatchObject({ accepted: 0, skipped: 1 });
  }, 120_000);

  it('never appends a replayed reading twice, also after a restart', async () => {
    restarted = await startHarness([], env, run);
    const again = await replay({ ids }, restarted);
    expect(again.json).toMatchObject({ accepted: 0, duplicates: 2 });
    expect((await loggedIds(missing)).filter((id) => id === 'a' || id === 'b')).toHaveLength(2);
  }, 120_000);

  it('answers 400 naming each bad query parameter, and 404 for an unknown id', async () => {
    const cases: Array<[string, string]> = [
      ['code=NOT_A_CODE', 'code'],
      ['from=2026-11-31T00:00:00Z', 'from'],
      ['from=yesterday', 'from'],
      ['since=2026-01-01T00:00:00Z', 'since'],
      ['limit=0', 'limit'],
      ['limit=abc', 'limit'],
      ['limit=1e9', 'limit'],
      ['cursor=-1', 'cursor'],
      ['cursor=999999999', 'cursor'],
      // A well-formed cursor past the last letter (stale, or made up): 400, not an empty page.
      [`cursor=${DEAD_LETTERS_CURSOR.encode('999999999', {})}`, 'cursor'],
      ['colour=red', 'colour'],
    ];
    for (const [query, parameter] of cases) {
      const { status, json } = await get(`/v1/dead-letters?${query}`);
      expect({ query, status, parameter: json.error?.details?.parameter }).toEqual({
        query,
        status: 400,
        parameter,
      });
    }
    expect((await get('/v1/dead-letters/__proto__')).status).toBe(400);
    expect((await get('/v1/dead-letters/987654321')).status).toBe(404);
    const badBody = await replay({ since: 'soon', ids: [] });
    expect(badBody.status).toBe(400);
    expect((await replay({ code: 'TWIN_NOT_FOUND', extra: 1 })).json.error.details.parameter).toBe(
      'extra',
    );
    expect((await replay({ ids: ['987654321'] })).json.error.details.parameter).toBe('ids');
  }, 60_000);

  it('is what `twinlog dead-letters` lists, shows and replays', async () => {
    // The CLI as a person runs it, pointed at this service.
    const twinlog = async (...args: string[]) =>
      (
        await promisify(execFile)(
          process.execPath,
          [...tsRunner(), join(repoRoot(), 'apps/cli/src/main.ts'), 'dead-letters', ...args],
          { cwd: repoRoot(), env: { ...process.env, TWINLOG_INGESTION_URL: h.service.url } },
        )
      ).stdout;
    expect(await twinlog('list', '--code', 'TWIN_NOT_FOUND')).toMatch(/TWIN_NOT_FOUND/);
    expect(await twinlog('show', ids[0]!)).toMatch(/replayable; last replayed .* accepted/);
    expect(await twinlog('replay', '--id', ids.join(','))).toMatch(
      /^0 accepted, 2 already in the log/,
    );
  }, 60_000);
});
